"""The optimizers and settings added for the authors' protocol (issue 15): rescaled sign descent,
block-normalized GD, Adagrad and AdamW against torch.optim or their formulas; the in-place fast
path against the pure update for every optimizer; PyTorch's default initialisation; mini-batches;
per-class accuracy; the figures' frequency splits; data generated in the requested dtype."""

import math

import numpy as np
import pytest
import torch

from theorycheck.core.tolerances import FLOAT64_ABS, FLOAT64_REL
from theorycheck.models.datasets import frequency_splits, heavy_tailed_class_sizes, heavy_tailed_labels
from theorycheck.sim import optimizers as O
from theorycheck.sim import problems as P
from theorycheck.sim.run import simulate, tf32_enabled, tf32_mode


def _run_pure(opt, grads_seq, lr, shapes):
    params = {k: torch.zeros((len(lr), *s), dtype=torch.float64) for k, s in shapes.items()}
    st = opt.init(params)
    lr = torch.as_tensor(lr, dtype=torch.float64)
    out = []
    for g in grads_seq:
        g_in = {k: v.clone() for k, v in g.items()}
        upd, st = opt.update(g_in, st, lr, params=params)
        for k in g:  # inputs never modified
            assert torch.equal(g_in[k], g[k])
        params = {k: params[k] + upd[k] for k in params}
        out.append({k: v.clone() for k, v in params.items()})
    return out


def _run_inplace(opt, grads_seq, lr, shapes):
    params = {k: torch.zeros((len(lr), *s), dtype=torch.float64) for k, s in shapes.items()}
    st = opt.init(params)
    lr = torch.as_tensor(lr, dtype=torch.float64)
    out = []
    for g in grads_seq:
        st = opt.apply_(params, {k: v.clone() for k, v in g.items()}, st, lr)
        out.append({k: v.clone() for k, v in params.items()})
    return out


SHAPES = {"W": (3, 4), "b": (3,)}


def _grads(steps=10, R=3, seed=0):
    g = torch.Generator().manual_seed(seed)
    seq = [{k: torch.randn((R, *s), generator=g, dtype=torch.float64) for k, s in SHAPES.items()} for _ in range(steps)]
    seq[3]["b"][1] = 0.0  # a zero block: block-normalized GD must not move it
    return seq


@pytest.mark.parametrize("name", sorted(O.OPTIMIZERS))
def test_inplace_fast_path_equals_the_pure_update(name):
    opt = O.make(name)
    seq = _grads()
    lr = [0.1, 0.03, 1e-3]
    pure, fast = _run_pure(opt, seq, lr, SHAPES), _run_inplace(opt, seq, lr, SHAPES)
    for a, b in zip(pure, fast):
        for k in a:
            torch.testing.assert_close(b[k], a[k], rtol=FLOAT64_REL, atol=FLOAT64_ABS)


def _flat(d):
    return np.concatenate([d[k].reshape(d[k].shape[0], -1).numpy() for k in SHAPES], 1)


@pytest.mark.parametrize("beta", [0.0, 0.9])
def test_rescaled_sign_and_block_normalized_against_their_formulas(beta):
    seq = _grads()
    lr = [0.1, 0.02, 0.5]
    for fam, kw in (("rsign", {"momentum": beta}), ("bngd", {"momentum": beta}), ("bngd", {"momentum": beta, "p": 1.0})):
        got = _run_pure(O.make((fam, kw)), seq, lr, SHAPES)
        p = kw.get("p", 2.0)
        for r in range(3):
            x = np.zeros(15)
            m = np.zeros(15)
            for t, g in enumerate(seq):
                gW, gb = g["W"][r].numpy().ravel(), g["b"][r].numpy()
                if fam == "rsign":
                    full = np.concatenate([gW, gb])
                    d = np.sign(full) * np.abs(full).sum()  # sign(g) ||g||_1
                else:
                    def blk(v):
                        nv = np.sum(np.abs(v) ** p) ** (1 / p)
                        return v / nv if nv > 0 else 0 * v
                    d = np.concatenate([blk(gW), blk(gb)])
                m = beta * m + d
                x = x - lr[r] * m
                np.testing.assert_allclose(_flat(got[t])[r], x, rtol=FLOAT64_REL, atol=FLOAT64_ABS)


def _torch_optim_run(make_opt, p, steps, dtype=torch.float64):
    lin = torch.nn.Linear(p.d, p.c, dtype=dtype)
    torch.nn.init.zeros_(lin.weight)
    torch.nn.init.zeros_(lin.bias)
    opt = make_opt(lin.parameters())
    for _ in range(steps):
        opt.zero_grad()
        torch.nn.CrossEntropyLoss()(lin(p.X), p.y).backward()
        opt.step()
    return lin


@pytest.mark.parametrize("fast", [True, False])
def test_adagrad_and_adamw_equal_torch_optim(fast):
    p = P.heavy_tailed_problem(3, 12, seed=2, device="cpu")
    cases = [
        (("adagrad", {}), 0.05, lambda ps: torch.optim.Adagrad(ps, lr=0.05)),
        (("adagrad", {"initial_accumulator_value": 0.1}), 0.05,
         lambda ps: torch.optim.Adagrad(ps, lr=0.05, initial_accumulator_value=0.1)),
        (("adamw", {}), 0.03, lambda ps: torch.optim.AdamW(ps, lr=0.03)),
        (("adamw", {"weight_decay": 0.5, "beta1": 0.0}), 0.03,
         lambda ps: torch.optim.AdamW(ps, lr=0.03, weight_decay=0.5, betas=(0.0, 0.999))),
    ]
    for spec, lr, ref in cases:
        traj = simulate(p, [(spec, lr)], 20, snapshot_at=[20], fast=fast)
        lin = _torch_optim_run(ref, p, 20)
        torch.testing.assert_close(traj.snapshot(20, 0)["W"], lin.weight.detach(), rtol=1e-9, atol=1e-11)
        torch.testing.assert_close(traj.snapshot(20, 0)["b"], lin.bias.detach(), rtol=1e-9, atol=1e-11)


def test_adamw_pure_update_needs_params_and_bad_hyperparameters_are_refused():
    opt = O.adamw()
    st = opt.init({"x": torch.zeros(1, 2)})
    with pytest.raises(ValueError, match="params"):
        opt.update({"x": torch.ones(1, 2)}, st, torch.ones(1))
    for bad in (-1.0, float("nan")):
        with pytest.raises(ValueError, match="weight_decay"):
            O.adamw(weight_decay=bad)
        with pytest.raises(ValueError, match="eps"):
            O.adagrad(eps=bad)
    with pytest.raises(ValueError, match="p"):
        O.block_normalized_gd(p=0.5)
    with pytest.raises(ValueError, match="kind"):
        O.heavy_ball("nope")


def test_pytorch_default_initialisation_matches_nn_linear():
    p = P.heavy_tailed_problem(3, 12, seed=0, device="cpu", dtype="float32")
    w = p.init_params(2, init="pytorch", seed=7)
    torch.manual_seed(7)
    lin = torch.nn.Linear(p.d, p.c)
    assert torch.equal(w["W"][0], lin.weight.detach()) and torch.equal(w["b"][1], lin.bias.detach())
    z = p.init_params(1)
    assert float(z["W"].abs().max()) == 0.0
    tr = simulate(p, [("GD", 0.1)], 3, start="pytorch", start_seed=7, snapshot_at=[0])
    assert torch.equal(tr.snapshot(0, 0)["W"], lin.weight.detach()) and tr.info["start"] == "pytorch"
    s = P.SimpleImbalanced([0.5, 0.3, 0.2], device="cpu", dtype="float32")
    torch.manual_seed(3)
    assert torch.equal(s.init_params(1, init="pytorch", seed=3)["W"][0], torch.nn.Linear(3, 3, bias=False).weight.detach())
    with pytest.raises(ValueError, match="init"):
        P.WeightedQuadratic([0.5, 0.5], device="cpu").init_params(1, init="pytorch")
    with pytest.raises(ValueError, match="init"):
        p.init_params(1, init="he")
    with pytest.raises(ValueError, match="seed"):
        p.init_params(1, init="pytorch", seed=-1)


def test_minibatch_gradient_is_unbiased_and_full_batch_when_batch_is_everything():
    p = P.heavy_tailed_problem(3, 10, seed=1, device="cpu")
    params = p.init_params(2, init="pytorch", seed=0)
    _, full = p.evaluate(params)
    everything = p.batch_grad(params, torch.arange(p.n))
    for k in full:
        torch.testing.assert_close(everything[k], full[k], rtol=FLOAT64_REL, atol=FLOAT64_ABS)
    # the average over the batches of one epoch (a partition of the data) is the full gradient
    B = 4
    perm = torch.randperm(p.n, generator=torch.Generator().manual_seed(0))
    acc = {k: torch.zeros_like(v) for k, v in full.items()}
    for i in range(0, p.n, B):
        g = p.batch_grad(params, perm[i:i + B])
        for k in acc:
            acc[k] += g[k] * (B / p.n)
    for k in full:
        torch.testing.assert_close(acc[k], full[k], rtol=1e-9, atol=1e-12)
    # a batch equals CrossEntropyLoss (mean) on that batch through autograd
    idx = torch.tensor([0, 5, 7, 20])
    lin = torch.nn.Linear(p.d, p.c, dtype=torch.float64)
    with torch.no_grad():
        lin.weight.copy_(params["W"][0])
        lin.bias.copy_(params["b"][0])
    torch.nn.CrossEntropyLoss()(lin(p.X[idx]), p.y[idx]).backward()
    g = p.batch_grad(params, idx)
    torch.testing.assert_close(g["W"][0], lin.weight.grad, rtol=1e-9, atol=1e-12)


def test_batch_sampler_is_seeded_and_covers_each_epoch():
    s1, s2 = P.BatchSampler(10, 3, seed=4), P.BatchSampler(10, 3, seed=4)
    b1 = [s1.next() for _ in range(6)]
    b2 = [s2.next() for _ in range(6)]
    assert all(torch.equal(a, b) for a, b in zip(b1, b2))
    epoch = torch.cat(b1[:3])
    assert epoch.unique().numel() == 9  # drop_last: 3 full batches of distinct indices per epoch
    with pytest.raises(ValueError, match="batch_size"):
        P.BatchSampler(10, 11)
    p = P.heavy_tailed_problem(3, 8, seed=0, device="cpu")
    a = simulate(p, [("GD", 0.5), ("Adam+m", 0.01)], 12, batch_size=5, batch_seed=1)
    b = simulate(p, [("GD", 0.5), ("Adam+m", 0.01)], 12, batch_size=5, batch_seed=1)
    c = simulate(p, [("GD", 0.5), ("Adam+m", 0.01)], 12, batch_size=5, batch_seed=2)
    np.testing.assert_array_equal(a.loss, b.loss)
    assert not np.array_equal(a.loss, c.loss) and a.info["batch_size"] == 5
    full = simulate(p, [("GD", 0.5)], 12)
    np.testing.assert_allclose(simulate(p, [("GD", 0.5)], 12, batch_size=p.n).loss, full.loss, rtol=1e-12)
    with pytest.raises(ValueError, match="batch_size"):
        simulate(P.SimpleImbalanced([0.5, 0.5], device="cpu"), [("GD", 0.1)], 2, batch_size=1)


def test_per_class_and_per_group_accuracy():
    p = P.heavy_tailed_problem(3, 40, seed=0, device="cpu", split=3)
    tr = simulate(p, [("Adam+m", 0.05)], 60, accuracy_at=[0, 60], start="pytorch")
    params = tr.snapshots  # not kept; recompute the last accuracy by hand from a rerun
    tr2 = simulate(p, [("Adam+m", 0.05)], 60, snapshot_at=[60], start="pytorch")
    W = tr2.snapshot(60, 0)
    logits = p.X @ W["W"].T + W["b"]
    hit = (logits.argmax(1) == p.y).double().numpy()
    y = p.y.numpy()
    ref = np.array([hit[y == k].mean() for k in range(p.c)])
    np.testing.assert_allclose(tr.class_acc[-1, 0], ref)
    np.testing.assert_allclose(tr.accuracy()[-1, 0], hit.mean())
    ga = tr.group_accuracy()[-1, 0]
    for g in range(ga.size):
        members = np.isin(y, np.flatnonzero(p.groups == g))
        np.testing.assert_allclose(ga[g], hit[members].mean())
    assert params == {} and tr.accuracy()[-1, 0] > tr.accuracy()[0, 0]
    s = P.SimpleImbalanced([0.5, 0.3, 0.2], device="cpu")
    ts = simulate(s, [("GD", 5.0)], 20, accuracy_at=[20])
    np.testing.assert_array_equal(ts.class_acc[-1, 0], [1, 1, 1])
    with pytest.raises(ValueError, match="accuracy"):
        simulate(P.WeightedQuadratic([0.5, 0.5], device="cpu"), [("GD", 0.1)], 2, accuracy_at=[1])


def test_frequency_splits_follow_the_cut_rule_and_recover_the_data_groups():
    for m in (3, 5, 8):
        sizes, grp = heavy_tailed_class_sizes(m)
        np.testing.assert_array_equal(frequency_splits(sizes, m), grp - 1)  # G = m: exactly the data groups
    counts = np.array([50, 20, 10, 10, 5, 5])  # shares .5 .2 .1 .1 .05 .05
    np.testing.assert_array_equal(frequency_splits(counts, 2), [0, 1, 1, 1, 1, 1])
    # cuts .25 .5 .75: class 0 (share .5) straddles two cuts, so the raw groups are 0, 2, 2, 3, 3, 3 and
    # the empty group 1 is dropped
    np.testing.assert_array_equal(frequency_splits(counts, 4), [0, 1, 1, 2, 2, 2])
    np.testing.assert_array_equal(frequency_splits(counts[::-1], 2), [1, 1, 1, 1, 1, 0])
    for G in (2, 3, 4, 5, 10, 11):
        sizes, _ = heavy_tailed_class_sizes(11)
        g = frequency_splits(sizes, G)
        share = np.cumsum(np.bincount(g, weights=sizes)) / sizes.sum()
        assert g.max() + 1 == G and np.all(share >= np.arange(1, G + 1) / G - 1e-12)
    with pytest.raises(ValueError, match="counts"):
        frequency_splits([3, 0], 2)
    with pytest.raises(ValueError, match="n_splits"):
        frequency_splits([3, 1], 0)
    p = P.heavy_tailed_problem(4, 8, device="cpu", split=10)
    np.testing.assert_array_equal(p.groups, frequency_splits(p.counts, 10))  # 8 non-empty groups at m = 4
    with pytest.raises(ValueError, match="split"):
        P.heavy_tailed_problem(4, 8, device="cpu", split="mass")


def test_data_are_generated_in_the_requested_dtype_with_the_same_values():
    for inputs in ("uniform", "normal0", "normal1"):
        a = heavy_tailed_labels(5, 50, inputs=inputs, seed=3)["X"]
        b = heavy_tailed_labels(5, 50, inputs=inputs, seed=3, dtype=np.float32)["X"]
        assert a.dtype == np.float64 and b.dtype == np.float32
        np.testing.assert_array_equal(b, a.astype(np.float32))
        rng = np.random.default_rng(3)  # chunking does not change the stream
        ref = rng.random((a.shape[0], 50)) if inputs == "uniform" else rng.standard_normal((a.shape[0], 50)) + (inputs == "normal1")
        np.testing.assert_array_equal(a, ref)
    p = P.heavy_tailed_problem(5, device="cpu", dtype="float32")
    assert p.X.dtype == torch.float32 and not hasattr(p, "_Xw")
    with pytest.raises(ValueError, match="dtype"):
        heavy_tailed_labels(3, dtype=np.int32)


def test_tf32_switch_is_off_by_default_and_restored(monkeypatch):
    monkeypatch.delenv("THEORYCHECK_TF32", raising=False)
    assert tf32_enabled() is False
    monkeypatch.setenv("THEORYCHECK_TF32", "1")
    assert tf32_enabled() is True
    monkeypatch.setenv("THEORYCHECK_TF32", "yes")
    with pytest.raises(ValueError, match="THEORYCHECK_TF32"):
        tf32_enabled()
    before = torch.backends.cuda.matmul.allow_tf32
    with tf32_mode(not before):
        assert torch.backends.cuda.matmul.allow_tf32 is (not before)
    assert torch.backends.cuda.matmul.allow_tf32 is before
    monkeypatch.delenv("THEORYCHECK_TF32")
    tr = simulate(P.SimpleImbalanced([0.5, 0.5], device="cpu"), [("GD", 0.1)], 2)
    assert tr.info["tf32"] is False


def test_threads_setting_is_respected_on_small_problems(monkeypatch):
    seen = []
    real = torch.set_num_threads

    def spy(n):
        seen.append(n)
        real(n)

    monkeypatch.setattr(torch, "set_num_threads", spy)
    before = torch.get_num_threads()
    want = 1 if before != 1 else 2
    monkeypatch.setenv("THEORYCHECK_THREADS", str(want))
    tr = simulate(P.SimpleImbalanced([0.5, 0.5], device="cpu"), [("GD", 0.1)], 2)
    assert seen and seen[0] == want and tr.info["threads"] == want
    assert torch.get_num_threads() == before


def test_math_of_rescaled_sign_is_steepest_descent_in_linf():
    # sign(g)||g||_1 = argmin_d <g, d> + ||d||_inf^2 / 2 scaled: <g, d> = -||g||_1^2 for d = -sign(g)||g||_1
    g = torch.tensor([[3.0, -1.0, 0.5]], dtype=torch.float64)
    upd, _ = O.rescaled_sign_descent().update({"x": g}, {}, torch.ones(1, dtype=torch.float64))
    assert math.isclose(float((upd["x"] * g).sum()), -float(g.abs().sum()) ** 2)
    assert math.isclose(float(upd["x"].abs().max()), float(g.abs().sum()))


STEPS_FOR = {"GD": 0.5, "GD+m": 0.1, "NGD": 0.1, "NGD+m": 0.05, "Sign": 1e-3, "Sign+m": 1e-4, "RSign": 1e-4, "RSign+m": 1e-5,
             "BNGD": 0.1, "BNGD+m": 0.05, "Adam-m": 1e-3, "Adam+m": 1e-3, "AdamW": 1e-3, "Adagrad": 1e-2, "Signum": 1e-3}


@pytest.mark.gpu
def test_cuda_matches_cpu_for_every_optimizer_start_batch_and_accuracy():
    runs = [(n, STEPS_FOR[n]) for n in sorted(O.OPTIMIZERS)]
    kw = dict(start="pytorch", start_seed=3, accuracy_at=[0, 15], batch_size=20, batch_seed=1)
    a = simulate(P.heavy_tailed_problem(4, seed=0, device="cpu"), runs, 15, **kw)
    b = simulate(P.heavy_tailed_problem(4, seed=0, device="cuda"), runs, 15, **kw)
    np.testing.assert_allclose(b.loss, a.loss, rtol=1e-9, atol=1e-12)
    np.testing.assert_array_equal(b.class_acc, a.class_acc)


@pytest.mark.gpu
def test_tf32_switch_on_cuda_float32():
    p = P.heavy_tailed_problem(8, seed=0, device="cuda", dtype="float32")
    off1 = simulate(p, [("Adam+m", 1e-3)], 5, tf32=False)
    off2 = simulate(p, [("Adam+m", 1e-3)], 5, tf32=False)
    on = simulate(p, [("Adam+m", 1e-3)], 5, tf32=True)
    np.testing.assert_array_equal(off1.loss, off2.loss)
    np.testing.assert_allclose(on.loss, off1.loss, rtol=1e-2)
    assert on.info["tf32"] is True and off1.info["tf32"] is False
    assert torch.backends.cuda.matmul.allow_tf32 is False  # restored


def test_apply_checks_its_arguments_and_equals_the_simulator_step():
    # issue 13: the public in-place step checks what it is given (the simulator calls the unchecked
    # _apply every step, after checking once); state=None starts fresh, one lr is every run's
    opt = O.adam()
    seq = _grads(steps=4, R=2)
    a = {k: torch.zeros((2, *s), dtype=torch.float64) for k, s in SHAPES.items()}
    b = {k: v.clone() for k, v in a.items()}
    st_a, st_b = None, opt.init(b)
    for g in seq:
        st_a = opt.apply_(a, {k: v.clone() for k, v in g.items()}, st_a, 0.1)
        st_b = opt._apply(b, {k: v.clone() for k, v in g.items()}, st_b, torch.full((2,), 0.1, dtype=torch.float64))
    for k, v in a.items():
        assert torch.equal(v, b[k])
    g = {k: v.clone() for k, v in seq[0].items()}
    for kw, name in (({"params": {"W": a["W"]}}, "grads"), ({"grads": {"W": g["W"], "b": g["b"][:1]}}, "grads"),
                     ({"state": {"m": {}}}, "state"), ({"state": {**st_a, "t": -1}}, "state"),
                     ({"lr": float("nan")}, "lr"), ({"lr": torch.tensor([0.1, -1.0])}, "lr"),
                     ({"lr": [0.1, 0.1, 0.1]}, "lr"), ({"fast": "yes"}, "fast"), ({"params": None}, "params")):
        args = {"params": a, "grads": g, "state": st_a, "lr": 0.1, **kw}
        with pytest.raises(ValueError, match=name):
            opt.apply_(args["params"], args["grads"], args["state"], args["lr"], fast=args.get("fast", True))


def test_norms_are_reduced_by_numpy_on_the_cpu_and_agree_with_torch():
    # issue 13: ell_2, ell_1 and block ell_p norms on the CPU come from numpy (one thread, pairwise
    # summation): the same up to round-off as torch's, but independent of the torch thread count
    g = torch.Generator().manual_seed(1)
    t = {"W": torch.randn(3, 50, 40, generator=g, dtype=torch.float64), "b": torch.randn(3, 50, generator=g,
                                                                                          dtype=torch.float64)}
    flat = torch.cat([v.reshape(3, -1) for v in t.values()], 1)
    torch.testing.assert_close(O._global_norm(t, 2.0), torch.linalg.vector_norm(flat, 2, dim=1), rtol=FLOAT64_REL, atol=0)
    torch.testing.assert_close(O._global_norm(t, 1.0), torch.linalg.vector_norm(flat, 1, dim=1), rtol=FLOAT64_REL, atol=0)
    for p in (1.0, 2.0, 3.0, 1.5):
        torch.testing.assert_close(O._block_norm(t["W"], p), torch.linalg.vector_norm(t["W"].reshape(3, -1), p, dim=1),
                                   rtol=FLOAT64_REL, atol=0)


def test_builders_name_the_bad_argument():
    for call, name in ((lambda: O.rescaled_sign_descent(1.0), "momentum"), (lambda: O.block_normalized_gd(-0.1), "momentum"),
                       (lambda: O.block_normalized_gd(p=float("inf")), "p"), (lambda: O.adam(name=3), "name"),
                       (lambda: O.adam(eps=[1e-8, 1e-8]), "eps"), (lambda: O.make(("adam", {"beta3": 0.5})), "spec"),
                       (lambda: O.make(("adam", {"beta1": 2.0})), "beta1"), (lambda: O.make(None), "spec"),
                       (lambda: O.heavy_ball(3), "kind")):
        with pytest.raises(ValueError, match=name):
            call()
    p = P.SimpleImbalanced([0.5, 0.5], device="cpu")
    with pytest.raises(ValueError, match="stop"):
        simulate(p, [("GD", 0.1)], 30, stop=lambda t, loss, group: float("nan"), stop_every=5)
    with pytest.raises(ValueError, match="start_seed"):
        simulate(p, [("GD", 0.1)], 3, start_seed=-1)
    with pytest.raises(ValueError, match="accuracy_at"):
        simulate(p, [("GD", 0.1)], 3, accuracy_at=[1.5])
