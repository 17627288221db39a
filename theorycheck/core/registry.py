"""The claim registry: the single source for the CLI, the proofs scripts, the report and
the tests.

A claim is a plain function decorated with :func:`claim`::

    from theorycheck import claim, Result, Verdict

    @claim("MY.lemma1", source="My paper, Lemma 1",
           statement="For x > 0: log(x) <= x - 1",
           printed=lambda: {"rhs_shift": -1})
    def my_lemma1(printed, profile):
        ...  # compute the truth independently, compare with `printed`
        return Result(Verdict.HOLDS, "log x <= x - 1 for all x > 0", "symbolic", evidence={...})

``printed`` is the machine-readable form of the statement *as printed* (SymPy expressions,
constants, exponents): the check receives it as its first argument and must compare the
truth against it, never against a value of its own. Tests pass deliberately wrong variants
of ``printed`` and assert that the check rejects them.

Built-in claims live in the modules of :mod:`theorycheck.claims`, which are discovered
automatically; user claims are loaded from a file (``--claims FILE``) or from the
entry-point group ``theorycheck.claims``.
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

from theorycheck.core.result import Result, Verdict

PROFILES = ("quick", "full")

#: Where a statement comes from (see SPEC.md): transcribed from a full text in the seeds, from an
#: abstract or a public summary only (a "corrected" may then reflect the transcription), or a
#: statement of this package's own.
PROVENANCES = ("seed-fulltext", "seed-abstract", "derived")

#: Kinds of declared variants of a printed statement. Every kind but ``stronger`` is a wrong
#: statement the check must reject; ``stronger`` is true and stronger, and must not be rejected.
VARIANT_KINDS = ("constant", "sign", "exponent", "dependence", "part", "other", "stronger")

CheckFn = Callable[[Any, str], Result]


@dataclass(frozen=True)
class Variant:
    """A deliberately changed form of a printed statement, declared next to the claim.

    ``kind`` is one of :data:`VARIANT_KINDS`: ``constant`` (a wrong constant), ``sign`` (a flipped
    sign), ``exponent`` (a wrong exponent), ``dependence`` (a wrong dependence on the parameter
    ``param``), ``part`` (all parts of a pair or set mended but this one), ``other`` (any other
    wrong statement), or ``stronger`` (true and stronger than printed). ``printed`` is the changed
    statement in the same machine form as the claim's ``printed``.
    """

    name: str
    kind: str
    printed: Any
    param: str | None = None

    def __post_init__(self):
        if not self.name:
            raise ValueError("name: a variant needs a name")
        if self.kind not in VARIANT_KINDS:
            raise ValueError(f"kind: must be one of {VARIANT_KINDS}, got {self.kind!r}")
        if self.kind == "dependence" and not self.param:
            raise ValueError("param: a 'dependence' variant must name the parameter whose dependence it changes")

    @property
    def expect(self) -> str:
        """``"accept"`` for a true, stronger statement; ``"reject"`` for a wrong one."""
        return "accept" if self.kind == "stronger" else "reject"


@dataclass(frozen=True)
class Claim:
    """One checkable statement of a paper.

    Attributes
    ----------
    id: stable ID from SPEC.md (e.g. ``K24.lemma5``).
    source: paper and place (section, equation, figure).
    statement: the statement as printed, as text.
    check: ``check(printed, profile) -> Result``.
    printed: the statement as printed in machine form, or a zero-argument factory for it
        (factories keep SymPy out of import time).
    tags: free labels (e.g. ``"gpu"``, ``"slow"``).
    provenance: one of :data:`PROVENANCES`.
    parameters: the parameters the statement states a dependence on (e.g. ``("pi", "t")``); each
        needs a declared ``dependence`` variant.
    variants: ``variants(printed) -> list[Variant]``: wrong (and true-but-stronger) forms of the
        printed statement, built from it; the kill matrix runs the check on each.
    """

    id: str
    source: str
    statement: str
    check: CheckFn
    printed: Any = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    provenance: str = "derived"
    parameters: tuple[str, ...] = field(default_factory=tuple)
    variants: Callable[[Any], list] | None = None

    def declared_variants(self) -> list[Variant]:
        """The declared variants, built from the printed statement (empty if none)."""
        if self.variants is None:
            return []
        vs = list(self.variants(self.printed_statement()))
        names = [v.name for v in vs]
        if len(set(names)) != len(names):
            raise ValueError(f"variants: names must be unique within {self.id}, got {names}")
        for v in vs:
            if not isinstance(v, Variant):
                raise ValueError(f"variants: {self.id} declared {type(v).__name__}, not Variant")
        return vs

    def printed_statement(self) -> Any:
        """The machine form of the statement as printed (the factory is called if needed)."""
        p = self.printed
        return p() if callable(p) else p

    def run(self, profile: str = "quick", printed: Any = None) -> "Outcome":
        """Run the check and time it.

        ``printed`` replaces the statement as printed (tests use it to feed wrong
        variants); by default the registered statement is used.
        """
        if profile not in PROFILES:
            raise ValueError(f"profile: must be one of {PROFILES}, got {profile!r}")
        stmt = self.printed_statement() if printed is None else printed
        t0 = time.perf_counter()
        result = self.check(stmt, profile)
        seconds = time.perf_counter() - t0
        if not isinstance(result, Result):
            raise TypeError(f"check of {self.id} returned {type(result).__name__}, not Result")
        if self.provenance == "seed-abstract" and result.verdict.rejects_printed and ABSTRACT_NOTE not in result.finding:
            result.finding = f"{result.finding} {ABSTRACT_NOTE}"
        return Outcome(self, result, seconds)

    @property
    def module(self) -> str:
        return getattr(self.check, "__module__", "?")


#: Appended to the finding of a rejected statement whose provenance is ``seed-abstract``.
ABSTRACT_NOTE = "(statement transcribed from an abstract or summary: the transcription may be at fault, not the paper)"


@dataclass
class Outcome:
    """A claim together with its result and the time the check took."""

    claim: Claim
    result: Result
    seconds: float

    @property
    def verdict(self) -> Verdict:
        return self.result.verdict

    def to_dict(self) -> dict[str, Any]:
        d = {
            "id": self.claim.id,
            "source": self.claim.source,
            "statement": self.claim.statement,
            "provenance": self.claim.provenance,
        }
        d.update(self.result.to_dict())
        d["seconds"] = round(self.seconds, 4)
        return d


_REGISTRY: dict[str, Claim] = {}
_BUILTINS_LOADED = False


def register(c: Claim) -> Claim:
    """Add a claim. Re-registering the same ID from the same function (a module reload)
    replaces it; a different function under an existing ID is an error."""
    old = _REGISTRY.get(c.id)
    if old is not None:
        same = (old.module, getattr(old.check, "__qualname__", None)) == (
            c.module,
            getattr(c.check, "__qualname__", None),
        )
        if not same:
            raise ValueError(f"id: claim {c.id!r} is already registered by {old.module}")
    _REGISTRY[c.id] = c
    return c


def claim(
    id: str,
    *,
    source: str,
    statement: str,
    printed: Any = None,
    tags: Iterable[str] = (),
    provenance: str | None = None,
    parameters: Iterable[str] = (),
    variants: Callable[[Any], list] | None = None,
) -> Callable[[CheckFn], CheckFn]:
    """Decorator registering ``fn(printed, profile) -> Result`` as the check of claim ``id``.

    ``provenance`` (required) is one of :data:`PROVENANCES`. ``parameters`` lists the parameters
    the statement states a dependence on; ``variants(printed) -> list[Variant]`` declares its
    wrong (and true-but-stronger) forms, run by ``theorycheck mutants`` and the kill-matrix test.

    The function is returned unchanged (so it can be called directly in tests); the
    :class:`Claim` is attached to it as ``fn.claim``.
    """
    if not id or " " in id:
        raise ValueError(f"id: must be a non-empty string without spaces, got {id!r}")
    if provenance not in PROVENANCES:
        raise ValueError(f"provenance: must be one of {PROVENANCES} (see SPEC.md), got {provenance!r}")
    if variants is not None and not callable(variants):
        raise ValueError("variants: must be a function printed -> list[Variant]")

    def deco(fn: CheckFn) -> CheckFn:
        c = register(Claim(id=id, source=source, statement=statement, check=fn, printed=printed, tags=tuple(tags),
                           provenance=provenance, parameters=tuple(parameters), variants=variants))
        fn.claim = c  # type: ignore[attr-defined]
        return fn

    return deco


def load_builtin() -> None:
    """Import every module of :mod:`theorycheck.claims` and its paper folders (each registers
    its claims). Modules and folders whose name starts with ``_`` are helpers, not scanned."""
    global _BUILTINS_LOADED
    if _BUILTINS_LOADED:
        return
    pkg = importlib.import_module("theorycheck.claims")
    mods = pkgutil.walk_packages(pkg.__path__, prefix=f"{pkg.__name__}.")
    for info in sorted(mods, key=lambda m: m.name):
        if not any(part.startswith("_") for part in info.name.split(".")[2:]):
            importlib.import_module(info.name)
    _BUILTINS_LOADED = True


def load_file(path: str | Path) -> list[Claim]:
    """Load a user module from a file path; returns the claims it registered."""
    p = Path(path)
    if not p.is_file():
        raise ValueError(f"claims: no such file {str(p)!r}")
    before = set(_REGISTRY)
    name = f"theorycheck_user_{p.stem}_{abs(hash(str(p.resolve())))}"
    spec = importlib.util.spec_from_file_location(name, p)
    if spec is None or spec.loader is None:
        raise ValueError(f"claims: cannot import {str(p)!r} as a Python module")
    mod = importlib.util.module_from_spec(spec)
    sys.modules[name] = mod
    spec.loader.exec_module(mod)
    return [_REGISTRY[k] for k in _REGISTRY if k not in before]


def load_entry_points(group: str = "theorycheck.claims") -> list[str]:
    """Import the modules advertised under the entry-point group ``group``."""
    from importlib.metadata import entry_points

    loaded = []
    for ep in entry_points(group=group):
        ep.load()
        loaded.append(ep.name)
    return loaded


def all_claims(builtin: bool = True) -> list[Claim]:
    """All registered claims, sorted by ID (loads the built-in ones first)."""
    if builtin:
        load_builtin()
    return [_REGISTRY[k] for k in sorted(_REGISTRY, key=_sort_key)]


def get(id: str) -> Claim:
    """The claim with exactly this ID."""
    load_builtin()
    try:
        return _REGISTRY[id]
    except KeyError:
        raise KeyError(f"id: no claim {id!r}; see `theorycheck list`") from None


def select(patterns: Iterable[str] | None = None, builtin: bool = True) -> list[Claim]:
    """Claims matching one of ``patterns`` (all when ``None`` or empty list).

    A pattern matches whole components of the dotted ID: ``K24`` selects ``K24`` and
    ``K24.x.y``, ``K24.lemma`` selects ``K24.lemma`` and ``K24.lemma.part`` but *not*
    ``K24.lemma10``. A pattern with a shell wildcard (``*``, ``?``, ``[``) is matched against
    the whole ID instead (``K24.lemma*``). An empty or blank pattern, and one that matches
    nothing, are errors, so a typo never silently checks everything or nothing.
    """
    import fnmatch

    claims = all_claims(builtin=builtin)
    if patterns is None:
        return claims
    patterns = list(patterns)
    if not patterns:
        return claims
    chosen: list[Claim] = []
    for p in patterns:
        if not isinstance(p, str) or not p.strip() or p != p.strip():
            raise ValueError(f"only: a pattern must be a non-empty claim ID without spaces, got {p!r}")
        if any(ch in p for ch in "*?["):
            hit = [c for c in claims if fnmatch.fnmatchcase(c.id, p)]
        else:
            hit = [c for c in claims if c.id == p or c.id.startswith(p.rstrip(".") + ".")]
        if not hit:
            near = sorted(c.id for c in claims if c.id.startswith(p))[:5]
            hint = f" (did you mean {', '.join(near)}?)" if near else ""
            raise ValueError(f"only: no claim ID is or starts with the component(s) {p!r}{hint}; "
                             "see `theorycheck list`")
        chosen.extend(c for c in hit if c not in chosen)
    return sorted(chosen, key=lambda c: _sort_key(c.id))


def _sort_key(cid: str) -> tuple:
    # natural sort: K24.lemma10 after K24.lemma9
    import re

    return tuple(int(t) if t.isdigit() else t for t in re.split(r"(\d+)", cid))
