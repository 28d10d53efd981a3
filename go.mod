module github.com/pemkab-kebumen/sigap

go 1.26.0
