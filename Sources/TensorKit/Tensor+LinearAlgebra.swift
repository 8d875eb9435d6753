internal import CBLAS

/// Matrix products through OpenBLAS (`cblas_dgemm`), and transposition.
extension Tensor {
    /// The matrix product of two rank-2 tensors: `[m, k] × [k, n] → [m, n]`.
    public func matmul(_ other: Tensor, transposeSelf: Bool = false, transposeOther: Bool = false) -> Tensor {
        precondition(rank == 2 && other.rank == 2,
                     "matmul needs two matrices; got shapes \(Tensor.describe(shape: shape)) and \(Tensor.describe(shape: other.shape)).")
        let (m, k) = transposeSelf ? (shape[1], shape[0]) : (shape[0], shape[1])
        let (k2, n) = transposeOther ? (other.shape[1], other.shape[0]) : (other.shape[0], other.shape[1])
        precondition(k == k2, "matmul: inner dimensions \(k) and \(k2) differ.")
        var result = [Double](repeating: 0, count: m * n)
        Tensor.gemm(transposeA: transposeSelf, transposeB: transposeOther, m: m, n: n, k: k,
                    alpha: 1, a: scalars, lda: shape[1], b: other.scalars, ldb: other.shape[1],
                    beta: 0, c: &result, ldc: n)
        return Tensor(shape: [m, n], scalars: result)
    }

    /// `C ← α·op(A)·op(B) + β·C` on row-major buffers: a thin, checked wrapper over `cblas_dgemm`.
    public static func gemm(transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
                            alpha: Double, a: UnsafePointer<Double>, lda: Int,
                            b: UnsafePointer<Double>, ldb: Int,
                            beta: Double, c: UnsafeMutablePointer<Double>, ldc: Int) {
        guard m > 0, n > 0 else { return }
        cblas_dgemm(CblasRowMajor,
                    transposeA ? CblasTrans : CblasNoTrans,
                    transposeB ? CblasTrans : CblasNoTrans,
                    blasint(m), blasint(n), blasint(k), alpha, a, blasint(lda), b, blasint(ldb),
                    beta, c, blasint(ldc))
    }

    /// The transpose of a matrix.
    public func transposed() -> Tensor {
        precondition(rank == 2, "transposed() needs a matrix; got shape \(Tensor.describe(shape: shape)).")
        let (rows, columns) = (shape[0], shape[1])
        var result = [Double](repeating: 0, count: count)
        for r in 0..<rows { for c in 0..<columns { result[c * rows + r] = scalars[r * columns + c] } }
        return Tensor(shape: [columns, rows], scalars: result)
    }
}
