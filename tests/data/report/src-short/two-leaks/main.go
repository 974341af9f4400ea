package main

// Cut short: the sites are further down.
