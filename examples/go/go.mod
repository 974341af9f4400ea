module leakatlas.example/go

go 1.19
