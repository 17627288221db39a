"""The results store: each check's outcome on disk, reused while nothing it depends on changed.

An entry is keyed by

* the claim ID,
* the profile and any other parameters of the run,
* the *source hash* of the code the check ran: the file of the claim's module and, transitively,
  every ``theorycheck`` module it imports (found by parsing the ``import`` statements, including
  those inside functions) and, for a user's claim, every module of the user's own folder (a
  ``--claims`` file's siblings) or package (a plug-in's) that it imports, see :func:`source_closure`;
* the versions of the numerical libraries (SymPy, mpmath, NumPy, SciPy, torch) and of Python;
* whether an NVIDIA driver is present and ``CUDA_VISIBLE_DEVICES`` (a check with
  ``device="auto"`` may run on a GPU there): see :func:`accelerator`.

Key = SHA-256 of the canonical JSON of these fields. A change to any of them gives a new key, so
the old entry is simply not found and the check runs again.

Every entry carries a SHA-256 checksum of its own content. The checksum protects against
*corruption* (a truncated write, a flipped byte, an entry copied under another key), **not against
forgery**: anyone who can write to the store can write an entry with a matching checksum and any
verdict. Treat a store like code you run: use your own, and ``--fresh`` (or ``--no-store``) for
results you publish. Writes are atomic (a temporary file in
the same folder, ``fsync``, then :func:`os.replace`), so an interrupted run leaves either the old
entry or the new one, never half of one. An entry that does not parse, whose checksum does not
match, or whose recorded key differs from the expected one is *corrupted*: it is reported, never
trusted, and the check is recomputed (and the entry rewritten).

What is *not* hashed: installed third-party libraries other than those of
:data:`KEY_DISTRIBUTIONS` (versions only), modules a user's claim imports from outside its own folder
or package, and data files a check reads. After editing those, run with ``--fresh``.

Layout: ``<root>/<claim-id>-<hash8>/<key[:32]>.json`` (one folder per claim; older entries of a
claim stay and give the progress display its past timings).
"""

from __future__ import annotations

import ast
import datetime as _dt
import hashlib
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Iterable

from theorycheck.core.registry import Claim, Outcome
from theorycheck.core.result import Result

#: Version of the entry format; part of every key (bump to invalidate every entry).
FORMAT = 1
#: Default location of the store, relative to the working directory (overridden by the
#: ``THEORYCHECK_STORE`` environment variable or ``--store``).
DEFAULT_ROOT = ".theorycheck-store"
#: Libraries whose versions are part of every key (their numerics decide the results).
KEY_DISTRIBUTIONS = ("sympy", "mpmath", "numpy", "scipy", "torch")

_PKG_ROOT = Path(__file__).resolve().parents[1]  # the theorycheck package folder


# --- source hashing ------------------------------------------------------------------------

def _module_file(name: str, user_root: "UserRoot | None" = None) -> Path | None:
    """The file of module ``name`` (without importing it): inside the theorycheck package, or,
    for a user claim, inside the user's own folder or package (``user_root``); else ``None``."""
    parts = name.split(".")
    if parts[0] == "theorycheck":
        base = _PKG_ROOT.joinpath(*parts[1:]) if len(parts) > 1 else _PKG_ROOT
    elif user_root is not None and (user_root.top is None or parts[0] == user_root.top):
        base = user_root.folder.joinpath(*parts)
    else:
        return None
    for cand in (base.with_suffix(".py"), base / "__init__.py"):
        if cand.is_file():
            return cand.resolve()
    return None


class UserRoot:
    """Where a user claim's own modules live: ``folder`` (the claim file's folder, or the folder
    holding its top-level package) and ``top`` (that package's name; ``None`` for a claim file
    loaded with ``--claims``, whose sibling modules are imported by their plain names)."""

    def __init__(self, folder: Path, top: str | None):
        self.folder, self.top = folder, top


def user_root(path: Path, modname: str) -> UserRoot | None:
    """The :class:`UserRoot` of a module outside theorycheck (``None`` for theorycheck's own)."""
    if modname == "theorycheck" or modname.startswith("theorycheck."):
        return None
    mod = sys.modules.get(modname)
    pkg = getattr(mod, "__package__", None)
    if pkg is None:
        pkg = modname if path.name == "__init__.py" else modname.rpartition(".")[0]
    if not pkg:
        return UserRoot(path.parent, None)
    top = pkg.split(".")[0]
    top_paths = list(getattr(sys.modules.get(top), "__path__", None) or [])
    if top_paths:
        return UserRoot(Path(top_paths[0]).resolve().parent, top)
    depth = len(pkg.split("."))  # the file is depth folders below the one holding `top`
    return UserRoot(path.parents[depth], top)


def _package_of(path: Path, modname: str) -> str:
    """The package a module's relative imports resolve against."""
    return modname if path.name == "__init__.py" else modname.rpartition(".")[0]


_IMPORTS_CACHE: dict[tuple, set[str]] = {}


def _imported_modules(path: Path, modname: str) -> set[str]:
    """Names of the modules imported anywhere in the file (incl. inside functions), with every
    package on the way; memoised per (file, size, mtime), since many claims share helpers."""
    st = path.stat()
    key = (str(path), modname, st.st_size, st.st_mtime_ns)
    if key not in _IMPORTS_CACHE:
        _IMPORTS_CACHE[key] = _parse_imports(path, modname)
    return _IMPORTS_CACHE[key]


def _parse_imports(path: Path, modname: str) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    pkg = _package_of(path, modname)
    found: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                if not pkg:
                    continue  # a relative import outside a package cannot run
                base_parts = pkg.split(".")
                if node.level > 1:
                    base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts)
                mod = f"{base}.{node.module}" if node.module else base
            else:
                mod = node.module or ""
            found.add(mod)
            # ``from pkg import name`` may import a submodule ``pkg.name``
            found.update(f"{mod}.{a.name}" for a in node.names if a.name != "*")
    out = set()
    for m in found:
        if m:
            # every package on the way is executed by the import
            parts = m.split(".")
            out.update(".".join(parts[:i]) for i in range(1, len(parts) + 1))
    return out


def source_closure(path: str | Path, modname: str) -> list[Path]:
    """The file ``path`` (module ``modname``) and every module file it imports, transitively,
    sorted: theorycheck's own modules and, for a user claim, the modules of the user's own folder
    or package (see :func:`user_root`); names that are not module files (``from x import f``,
    third-party libraries) are dropped."""
    start = Path(path).resolve()
    root = user_root(start, modname)
    seen: dict[Path, str] = {start: modname}
    todo = [(start, modname)]
    if root is not None and root.top is not None:  # a plug-in's packages on the way run on import
        parts = modname.split(".")
        for i in range(1, len(parts)):
            f = _module_file(".".join(parts[:i]), root)
            if f is not None and f not in seen:
                seen[f] = ".".join(parts[:i])
                todo.append((f, ".".join(parts[:i])))
    while todo:
        p, name = todo.pop()
        here = None if (name == "theorycheck" or name.startswith("theorycheck.")) else root
        for m in _imported_modules(p, name):
            f = _module_file(m, here)
            if f is not None and f not in seen:
                seen[f] = m
                todo.append((f, m))
    return sorted(seen)


def _claim_file(c: Claim) -> tuple[Path, str] | None:
    mod = sys.modules.get(c.module)
    f = getattr(mod, "__file__", None)
    if not f or not Path(f).is_file():
        return None
    return Path(f).resolve(), c.module


def _display_path(p: Path) -> str:
    try:
        return "theorycheck/" + p.relative_to(_PKG_ROOT).as_posix()
    except ValueError:
        return p.name  # a user file: its name only (the content is what is hashed)


def source_hash(c: Claim) -> str | None:
    """SHA-256 over the source files of the claim's code (see :func:`source_closure`):
    ``sha256(sum over files of  path NUL content NUL)``. ``None`` when the claim's module has no
    readable file (e.g. defined interactively): such a claim is never stored."""
    where = _claim_file(c)
    if where is None:
        return None
    h = hashlib.sha256()
    for f in source_closure(*where):
        h.update(_display_path(f).encode() + b"\0")
        h.update(f.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return h.hexdigest()


def library_versions() -> dict[str, str]:
    """Versions of Python and of :data:`KEY_DISTRIBUTIONS` (read from metadata, not imported)."""
    from importlib.metadata import PackageNotFoundError, version

    out = {"python": "%d.%d.%d" % sys.version_info[:3]}
    for d in KEY_DISTRIBUTIONS:
        try:
            out[d] = version(d)
        except PackageNotFoundError:
            out[d] = "absent"
    return out


def nvidia_driver_present() -> bool:
    """True when an NVIDIA driver is loaded (``/proc/driver/nvidia`` or ``/dev/nvidiactl``).
    Without one, CUDA cannot be available, whatever torch says; checking costs no torch import."""
    return os.path.exists("/proc/driver/nvidia/version") or os.path.exists("/dev/nvidiactl")


def accelerator() -> dict[str, Any]:
    """The part of the key that tells GPU runs from CPU runs, without importing torch; with the
    CPU thread count of the simulator (``THEORYCHECK_THREADS``): the simulator's reductions are
    pinned to an order that does not depend on it, and the key records it all the same."""
    return {"nvidia_driver": nvidia_driver_present(), "CUDA_VISIBLE_DEVICES": os.environ.get("CUDA_VISIBLE_DEVICES"),
            "THEORYCHECK_THREADS": os.environ.get("THEORYCHECK_THREADS", "1")}


def _canonical(obj: Any) -> bytes:
    return json.dumps(obj, sort_keys=True, separators=(",", ":"), allow_nan=False).encode()


def _sha(obj: Any) -> str:
    return hashlib.sha256(_canonical(obj)).hexdigest()


# --- the store ------------------------------------------------------------------------------

class CorruptEntry(Exception):
    """An entry that cannot be trusted (bad JSON, checksum mismatch, wrong key)."""


class Store:
    """Outcomes on disk under ``root``.

    ``get`` returns a stored outcome only when its entry is intact and its key matches;
    ``put`` writes atomically. Corrupted entries met by ``get`` are listed in
    :attr:`corrupted` (claim ID, path, reason).
    """

    def __init__(self, root: str | Path | None = None):
        self.root = Path(root or os.environ.get("THEORYCHECK_STORE") or DEFAULT_ROOT)
        self.corrupted: list[tuple[str, str, str]] = []
        self._versions: dict[str, str] | None = None
        self._hashes: dict[str, str | None] = {}

    # keys
    def key_fields(self, c: Claim, profile: str, params: dict | None = None) -> dict | None:
        """What an entry of claim ``c`` depends on; ``None`` when the claim cannot be stored."""
        if c.id not in self._hashes:
            self._hashes[c.id] = source_hash(c)
        sh = self._hashes[c.id]
        if sh is None:
            return None
        if self._versions is None:
            self._versions = library_versions()
        return {"format": FORMAT, "claim": c.id, "profile": profile, "params": params or {},
                "source": sh, "libraries": self._versions, "accelerator": accelerator()}

    def claim_dir(self, claim_id: str) -> Path:
        safe = re.sub(r"[^A-Za-z0-9._-]", "_", claim_id)
        return self.root / f"{safe}-{hashlib.sha256(claim_id.encode()).hexdigest()[:8]}"

    def path_for(self, fields: dict) -> Path:
        return self.claim_dir(fields["claim"]) / f"{_sha(fields)[:32]}.json"

    # reading
    @staticmethod
    def read_entry(path: Path) -> dict:
        """Parse and verify one entry file; raises :class:`CorruptEntry` if it cannot be trusted."""
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError) as e:
            raise CorruptEntry(f"unreadable JSON ({type(e).__name__})") from None
        if not isinstance(entry, dict) or not {"key", "outcome", "checksum"} <= set(entry):
            raise CorruptEntry("missing fields")
        body = {k: v for k, v in entry.items() if k != "checksum"}
        if _sha(body) != entry["checksum"]:
            raise CorruptEntry("checksum mismatch")
        return entry

    def get(self, c: Claim, profile: str, params: dict | None = None) -> Outcome | None:
        """The stored outcome of ``c`` for these parameters and this code, or ``None``."""
        fields = self.key_fields(c, profile, params)
        if fields is None:
            return None
        path = self.path_for(fields)
        if not path.exists():
            return None
        try:
            entry = self.read_entry(path)
            if entry["key"] != fields:
                raise CorruptEntry("key mismatch")
            d = entry["outcome"]
            result = Result.from_dict(d)
            seconds = float(d["seconds"])
        except CorruptEntry as e:
            self.corrupted.append((c.id, str(path), str(e)))
            return None
        except (KeyError, TypeError, ValueError) as e:
            self.corrupted.append((c.id, str(path), f"invalid outcome ({e})"))
            return None
        o = Outcome(c, result, seconds)
        o.cached = True  # type: ignore[attr-defined]
        o.stored_at = entry.get("stored_at")  # type: ignore[attr-defined]
        return o

    def past_seconds(self, claim_id: str, profile: str) -> float | None:
        """The time of the most recent intact entry of ``claim_id`` under ``profile`` (any code
        version): what the progress display expects the check to take."""
        d = self.claim_dir(claim_id)
        best: tuple[str, float] | None = None
        if not d.is_dir():
            return None
        for f in d.glob("*.json"):
            try:
                e = self.read_entry(f)
                if e["key"].get("profile") != profile:
                    continue
                cand = (str(e.get("stored_at", "")), float(e["outcome"]["seconds"]))
            except (CorruptEntry, KeyError, TypeError, ValueError, AttributeError):
                continue
            if best is None or cand[0] > best[0]:
                best = cand
        return None if best is None else best[1]

    # writing
    def put(self, o: Outcome, profile: str, params: dict | None = None) -> Path | None:
        """Store an outcome atomically; returns the entry's path (``None`` if not storable)."""
        fields = self.key_fields(o.claim, profile, params)
        if fields is None:
            return None
        body = {"key": fields, "stored_at": _dt.datetime.now(_dt.timezone.utc).isoformat(timespec="seconds"),
                "outcome": o.to_dict()}
        entry = {**body, "checksum": _sha(body)}
        path = self.path_for(fields)
        atomic_write_text(path, json.dumps(entry, indent=1, allow_nan=False) + "\n")
        return path


def atomic_write_text(path: str | Path, text: str) -> None:
    """Write ``text`` to ``path`` atomically: a temporary file in the same folder is written,
    flushed to disk, then renamed over ``path`` (:func:`os.replace` is atomic on POSIX and Windows)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; entries and reports are ordinary files
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


# --- running through the store ------------------------------------------------------------------

def run_with_store(
    claims: Iterable[Claim],
    profile: str = "quick",
    store: Store | None = None,
    fresh: bool = False,
    progress: Any = None,
    on_corrupt: Callable[[str, str, str], None] | None = None,
) -> list:
    """Run each claim's check, reusing stored outcomes (unless ``fresh``) and storing new ones
    as soon as each finishes, so an interruption loses at most the check in flight.

    Returns a list of :class:`~theorycheck.core.registry.Outcome` (with ``cached`` True/False) and
    :class:`~theorycheck.core.runner.Crash`; crashes are not stored. ``progress`` is a
    :class:`~theorycheck.core.progress.Progress`-like object (``plan``, ``start``, ``done``, ``close``).
    """
    from theorycheck.core.runner import Crash, run_claims

    claims = list(claims)
    found: dict[str, Outcome] = {}
    if store is not None and not fresh:
        for c in claims:
            o = store.get(c, profile)
            if o is not None:
                found[c.id] = o
        if on_corrupt:
            for cid, path, why in store.corrupted:
                on_corrupt(cid, path, why)
    todo = [c for c in claims if c.id not in found]
    if progress is not None:
        est = {c.id: (store.past_seconds(c.id, profile) if store is not None else None) for c in todo}
        progress.plan(len(claims), len(claims) - len(todo), est)
    def on_start(c: Claim) -> None:
        if progress is not None:
            progress.start(c.id)

    def on_done(o) -> None:
        # store each outcome as soon as it exists: an interruption loses only the check in flight
        if not isinstance(o, Crash):
            o.cached = False  # type: ignore[attr-defined]
            if store is not None:
                try:
                    store.put(o, profile)
                except OSError as e:  # an unwritable store costs the reuse, never the result
                    print(f"theorycheck: could not store {o.claim.id} in {store.root}: {e}", file=sys.stderr)
        if progress is not None:
            progress.done(o.claim.id, o.seconds)

    try:
        ran = run_claims(todo, profile=profile, on_start=on_start, on_done=on_done)
    finally:
        if progress is not None:
            progress.close()
    by_id = {**found, **{o.claim.id: o for o in ran}}
    return [by_id[c.id] for c in claims]


# --------------------------------------------------------------------------------------
# one run of selected claims, as `verify`, `report` and `docs` do it
# --------------------------------------------------------------------------------------
#: Timings recorded with the package (``docs/results.json``, quick profile): the progress display's
#: estimate for a claim never run on this machine.
DOCS_RESULTS = _PKG_ROOT.parent / "docs" / "results.json"


def recorded_seconds(path: str | Path | None = None) -> dict[str, float]:
    """Claim ID -> seconds, as recorded in ``docs/results.json`` ({} when absent or unreadable)."""
    p = Path(path) if path is not None else DOCS_RESULTS
    try:
        data = json.loads(p.read_text(encoding="utf-8"))
        return {d["id"]: float(d["seconds"]) for d in data.get("claims", [])
                if isinstance(d, dict) and isinstance(d.get("seconds"), (int, float))}
    except (OSError, ValueError, TypeError, AttributeError, KeyError):
        return {}


def run_selected(claims, args, log=None):
    """Run ``claims`` through the results store with progress, as ``verify`` does.
    Returns the outcomes; KeyboardInterrupt propagates (finished claims are stored).

    The progress estimate of a claim is its last stored time under this profile, else (on a
    first run) the time recorded in ``docs/results.json`` (quick profile)."""
    from theorycheck.core.progress import Progress

    log = log or sys.stderr
    store = None if getattr(args, "no_store", False) else Store(getattr(args, "store", None))
    prog = Progress(enabled={"auto": None, "always": True, "never": False}[getattr(args, "progress", "auto")],
                    fallback=recorded_seconds() if args.profile == "quick" else {})

    def corrupt(cid, path, why):
        print(f"theorycheck: store entry of {cid} is corrupted ({why}): recomputing ({path})", file=log)

    return run_with_store(claims, profile=args.profile, store=store, fresh=getattr(args, "fresh", False),
                          progress=prog, on_corrupt=corrupt)


def results_json(results, profile: str) -> dict:
    """``runner.to_json`` plus, per claim, the profile, the source hash of its code and whether
    the outcome came from the store (docs/results.json is checked against these)."""
    from theorycheck.core import runner

    data = runner.to_json(results)
    data["profile"] = profile
    for d, r in zip(data["claims"], results, strict=True):
        d["profile"] = profile
        d["source_hash"] = source_hash(r.claim)
        d["cached"] = bool(getattr(r, "cached", False))
        if getattr(r, "stored_at", None):
            d["stored_at"] = r.stored_at
    return data


def write_results_json(results, profile: str, dest: str) -> None:
    import json

    text = json.dumps(results_json(results, profile), indent=2, allow_nan=False) + "\n"
    if dest == "-":
        sys.stdout.write(text)
    else:
        atomic_write_text(dest, text)
