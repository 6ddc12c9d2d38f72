module orchctl.test/oracle

go 1.22

require github.com/expr-lang/expr v1.16.9
