#!/usr/bin/env bats
load lib
@test "placeholder" {
	true
}
