#!/usr/bin/env python3
"""Writes reference_fixtures.json: float64 values computed independently with numpy, for ReferenceTests.

Run from this folder:  python3 make_fixtures.py
Every float is written with Python's repr, which round-trips a float64 exactly. The computations below are
deliberately written differently from the Swift code (numpy broadcasting, sliding windows, step-by-step graphs),
so agreement is evidence, not an echo.
"""
import json
import numpy as np

rng = np.random.default_rng(20240601)


def flat(a):
    return [float(x) for x in np.asarray(a, dtype=np.float64).ravel()]


def tensor(a):
    a = np.asarray(a, dtype=np.float64)
    return {"shape": list(a.shape), "scalars": flat(a)}


# --- softmax, log-softmax, cross-entropy -------------------------------------------------------------------------
def np_log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    s = x - m
    return s - np.log(np.exp(s).sum(axis=-1, keepdims=True))


softmax_cases = []
for name, x in [
    ("lecture", np.array([[3.2, 1.3, 2.2]])),
    ("random 4x5", rng.normal(0, 3, size=(4, 5))),
    ("huge logits", np.array([[1000.0, -1000.0, 999.0], [-1000.0, -1000.0, -999.5]])),
    ("rows of different scale", np.array([[1e-3, 2e-3, -1e-3, 0.0], [300.0, -250.0, 120.0, 299.0]])),
    ("rank 3", rng.normal(0, 1, size=(2, 3, 4))),
]:
    ls = np_log_softmax(x)
    softmax_cases.append({"name": name, "input": tensor(x), "softmax": tensor(np.exp(ls)), "logSoftmax": tensor(ls)})

cross_entropy_cases = []
for name, x, labels in [
    ("lecture", np.array([[3.2, 1.3, 2.2]]), [0]),
    ("random 5x4", rng.normal(0, 2, size=(5, 4)), [0, 3, 1, 1, 2]),
    ("huge logits", np.array([[1000.0, -1000.0, 0.0], [500.0, 500.0, -500.0]]), [1, 2]),
]:
    n = x.shape[0]
    ls = np_log_softmax(x)
    loss = -ls[np.arange(n), labels].mean()
    onehot = np.eye(x.shape[1])[labels]
    grad = (np.exp(ls) - onehot) / n
    cross_entropy_cases.append({"name": name, "logits": tensor(x), "labels": labels, "loss": float(loss),
                                "gradient": tensor(grad)})

# --- conv2d ------------------------------------------------------------------------------------------------------
def conv_forward(x, w, b, s, p):
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    F, C, KH, KW = w.shape
    windows = np.lib.stride_tricks.sliding_window_view(xp, (KH, KW), axis=(2, 3))[:, :, ::s, ::s]
    return np.einsum("nchwij,fcij->nfhw", windows, w) + b[None, :, None, None]


def conv_backward(x, w, gy, s, p):
    N, C, H, W = x.shape
    F, _, KH, KW = w.shape
    xp = np.pad(x, ((0, 0), (0, 0), (p, p), (p, p)))
    dxp = np.zeros_like(xp)
    dw = np.zeros_like(w)
    Ho, Wo = gy.shape[2], gy.shape[3]
    for i in range(Ho):
        for j in range(Wo):
            patch = xp[:, :, i * s:i * s + KH, j * s:j * s + KW]            # [N, C, KH, KW]
            g = gy[:, :, i, j]                                               # [N, F]
            dw += np.tensordot(g, patch, axes=([0], [0]))                    # [F, C, KH, KW]
            dxp[:, :, i * s:i * s + KH, j * s:j * s + KW] += np.tensordot(g, w, axes=([1], [0]))
    dx = dxp[:, :, p:p + H, p:p + W]
    return dx, dw, gy.sum(axis=(0, 2, 3))


conv_cases = []
for (N, C, H, W, F, KH, KW, s, p) in [
    (2, 3, 7, 5, 4, 3, 3, 1, 1),
    (1, 2, 9, 8, 3, 3, 2, 2, 0),
    (2, 1, 10, 7, 2, 4, 3, 3, 2),
    (1, 1, 7, 7, 1, 3, 3, 1, 0),
]:
    x = rng.normal(size=(N, C, H, W))
    w = rng.normal(size=(F, C, KH, KW))
    b = rng.normal(size=(F,))
    y = conv_forward(x, w, b, s, p)
    gy = rng.normal(size=y.shape)
    dx, dw, db = conv_backward(x, w, gy, s, p)
    conv_cases.append({"input": tensor(x), "weight": tensor(w), "bias": tensor(b), "stride": s, "padding": p,
                       "output": tensor(y), "gradOutput": tensor(gy), "gradInput": tensor(dx),
                       "gradWeight": tensor(dw), "gradBias": tensor(db)})

# --- batch normalization (training step by step as a graph, then evaluation) -------------------------------------
batchnorm_cases = []
for shape in [(6, 3), (2, 3, 2, 2)]:
    x = rng.normal(2, 3, size=shape)
    D = shape[1]
    axes = tuple(a for a in range(len(shape)) if a != 1)
    bshape = [1] * len(shape); bshape[1] = D
    gamma = rng.normal(1, 0.5, size=D)
    beta = rng.normal(0, 0.5, size=D)
    eps, momentum = 1e-5, 0.1
    m = x.size // D
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    var = (xc ** 2).mean(axis=axes, keepdims=True)
    std = np.sqrt(var + eps)
    xhat = xc / std
    y = gamma.reshape(bshape) * xhat + beta.reshape(bshape)
    gy = rng.normal(size=shape)
    # backward through the graph one node at a time
    dbeta = gy.sum(axis=axes)
    dgamma = (gy * xhat).sum(axis=axes)
    dxhat = gy * gamma.reshape(bshape)
    dxc = dxhat / std
    dstd = -(dxhat * xc / std ** 2).sum(axis=axes, keepdims=True)
    dvar = dstd / (2 * std)
    dxc += 2 * xc / m * dvar
    dmu = -dxc.sum(axis=axes, keepdims=True)
    dx = dxc + dmu / m
    running_mean = (1 - momentum) * np.zeros(D) + momentum * mu.ravel()
    running_var = (1 - momentum) * np.ones(D) + momentum * x.var(axis=axes, ddof=1)
    x_eval = rng.normal(1, 2, size=shape)
    y_eval = gamma.reshape(bshape) * (x_eval - running_mean.reshape(bshape)) / np.sqrt(
        running_var.reshape(bshape) + eps) + beta.reshape(bshape)
    batchnorm_cases.append({"input": tensor(x), "gamma": tensor(gamma), "beta": tensor(beta), "momentum": momentum,
                            "epsilon": eps, "output": tensor(y), "gradOutput": tensor(gy), "gradInput": tensor(dx),
                            "gradGamma": tensor(dgamma), "gradBeta": tensor(dbeta),
                            "runningMean": tensor(running_mean), "runningVariance": tensor(running_var),
                            "evalInput": tensor(x_eval), "evalOutput": tensor(y_eval)})

# --- optimizer trajectories --------------------------------------------------------------------------------------
steps = 6
theta0 = rng.normal(size=5)
theta0[2] = 0.0
grads = rng.normal(size=(steps, 5))
grads[:, 2] = 1e-9  # a tiny gradient: Adam still moves it by about lr on the first step


def adam_trajectory(lr, b1, b2, eps, wd):
    th = theta0.copy(); m = np.zeros(5); v = np.zeros(5); out = []
    for t in range(1, steps + 1):
        g = grads[t - 1]
        th = th - lr * wd * th
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        th = th - lr * (m / (1 - b1 ** t)) / (np.sqrt(v / (1 - b2 ** t)) + eps)
        out.append({"parameters": flat(th), "m": flat(m), "v": flat(v)})
    return out


def momentum_trajectory(lr, rho, nesterov):
    th = theta0.copy(); vel = np.zeros(5); out = []
    for g in grads:
        prev = vel
        vel = rho * vel - lr * g
        th = th + vel + rho * (vel - prev) if nesterov else th + vel
        out.append(flat(th))
    return out


def rmsprop_trajectory(lr, decay, eps):
    th = theta0.copy(); h = np.zeros(5); out = []
    for g in grads:
        h = decay * h + (1 - decay) * g * g
        th = th - lr * g / (np.sqrt(h) + eps)
        out.append(flat(th))
    return out


def adagrad_trajectory(lr, eps):
    th = theta0.copy(); h = np.zeros(5); out = []
    for g in grads:
        h = h + g * g
        th = th - lr * g / (np.sqrt(h) + eps)
        out.append(flat(th))
    return out


optimizers = {
    "initial": flat(theta0), "gradients": [flat(g) for g in grads],
    "adam": {"learningRate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8,
             "steps": adam_trajectory(0.01, 0.9, 0.999, 1e-8, 0.0)},
    "adamW": {"learningRate": 0.01, "beta1": 0.9, "beta2": 0.999, "epsilon": 1e-8, "weightDecay": 0.1,
              "steps": adam_trajectory(0.01, 0.9, 0.999, 1e-8, 0.1)},
    "momentum": {"learningRate": 0.1, "momentum": 0.9, "steps": momentum_trajectory(0.1, 0.9, False)},
    "nesterov": {"learningRate": 0.1, "momentum": 0.9, "steps": momentum_trajectory(0.1, 0.9, True)},
    "rmsProp": {"learningRate": 0.01, "decay": 0.99, "epsilon": 1e-8, "steps": rmsprop_trajectory(0.01, 0.99, 1e-8)},
    "adaGrad": {"learningRate": 0.1, "epsilon": 1e-10, "steps": adagrad_trajectory(0.1, 1e-10)},
}

# --- activations --------------------------------------------------------------------------------------------------
a = np.concatenate([np.array([-30.0, -2.0, -1e-8, 0.0, 1e-8, 0.5, 3.0, 30.0]), rng.normal(0, 2, size=8)])
selu_alpha, selu_scale = 1.6732632423543772848170429916717, 1.0507009873554804934193349852946
activations = {
    "input": flat(a),
    "relu": flat(np.maximum(a, 0)),
    "leakyReLU": flat(np.where(a > 0, a, 0.01 * a)),
    "elu": flat(np.where(a > 0, a, np.expm1(a))),
    "selu": flat(selu_scale * np.where(a > 0, a, selu_alpha * np.expm1(a))),
    "sigmoid": flat(0.5 * (1 + np.tanh(a / 2))),   # a different formula from the Swift one on purpose
    "tanh": flat(np.tanh(a)),
}

# --- max pooling -------------------------------------------------------------------------------------------------
px = rng.integers(-3, 4, size=(2, 2, 5, 6)).astype(np.float64)  # small integers: plenty of ties
pool_cases = []
for k, s in [(2, 2), (3, 2), (2, 1)]:
    win = np.lib.stride_tricks.sliding_window_view(px, (k, k), axis=(2, 3))[:, :, ::s, ::s]
    out = win.max(axis=(-2, -1))
    gy = rng.normal(size=out.shape)
    dx = np.zeros_like(px)
    N, C, Ho, Wo = out.shape
    for n in range(N):
        for c in range(C):
            for i in range(Ho):
                for j in range(Wo):
                    flat_arg = int(np.argmax(win[n, c, i, j].ravel()))  # numpy's argmax: first maximum
                    dx[n, c, i * s + flat_arg // k, j * s + flat_arg % k] += gy[n, c, i, j]
    pool_cases.append({"kernelSize": k, "stride": s, "input": tensor(px), "output": tensor(out),
                       "gradOutput": tensor(gy), "gradInput": tensor(dx)})

fixtures = {"softmax": softmax_cases, "crossEntropy": cross_entropy_cases, "conv2d": conv_cases,
            "batchNorm": batchnorm_cases, "optimizers": optimizers, "activations": activations,
            "maxPool": pool_cases}
with open("reference_fixtures.json", "w") as f:
    json.dump(fixtures, f, indent=1)
    f.write("\n")
print("wrote reference_fixtures.json")
