import TensorKit
