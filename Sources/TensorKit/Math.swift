// Exercise code that imports only TensorKit still gets `exp`, `log`, `sqrt`, `cos`, `pow`, … : TensorKit
// re-exports the platform's C math library. Importing Foundation as well is fine; the names are the same
// declarations, so nothing becomes ambiguous.
#if canImport(Glibc)
@_exported import Glibc
#elseif canImport(Musl)
@_exported import Musl
#elseif canImport(Darwin)
@_exported import Darwin
#endif
