"""Math as MathML, safely: SymPy expressions and the plain-text notation of statement strings.

Two entry points, both returning HTML in which every piece of text is escaped:

* :func:`sympy_mathml` prints a SymPy object with SymPy's presentation printer, but serialises the
  printer's DOM itself: every text node is escaped (SymPy's own serialiser writes symbol names
  unescaped, so a symbol named ``<script>`` would become markup), only MathML elements and
  attributes from an allow-list are kept, and the deprecated ``<mfenced>`` (not drawn by
  Chromium) becomes an ``<mrow>`` with explicit fences.
* :func:`text_html` turns a statement, finding or correction written in the package's plain-text
  notation into HTML: prose stays prose (escaped), and each stretch of math becomes an inline
  ``<math>`` element. The notation (see :func:`math_html`) is small: ``x_k``, ``x_{kj}``,
  ``e^{-2t}``, ``a^2``, ``(c-1)/(c pi_k t)`` (a stacked fraction when the numerator starts a
  term), ``sqrt(x)``, ``||H||_{1,1}``, ``|x|``, ``<=``, ``>=``, ``!=``, ``->``, ``~``, ``+-``,
  Greek letters by name (``pi``, ``alpha``, ``Theta``), ``xbar`` (x with a bar), ``inf`` (the
  infinity sign), ``1e-8`` (``10^{-8}``). Anything it does not recognise is shown as written,
  never dropped.
"""

from __future__ import annotations

import html
import re
from typing import Any

MATHML_NS = "http://www.w3.org/1998/Math/MathML"

#: MathML elements kept by :func:`sympy_mathml` (presentation markup only).
ALLOWED_TAGS = frozenset({
    "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "msub", "msup", "msubsup", "mfrac", "msqrt", "mroot",
    "mover", "munder", "munderover", "mtable", "mtr", "mtd", "mstyle", "mpadded", "mphantom", "menclose",
    "mmultiscripts", "mprescripts", "none"})
#: Attributes kept (values are escaped; nothing that can load or run anything).
ALLOWED_ATTRS = frozenset({
    "mathvariant", "stretchy", "fence", "separator", "linethickness", "accent", "accentunder", "form", "lspace",
    "rspace", "displaystyle", "scriptlevel", "columnalign", "rowalign", "notation", "largeop", "movablelimits",
    "symmetric", "width", "height", "depth"})

_ENTITY = re.compile(r"&(#x[0-9a-fA-F]+|#[0-9]+|[A-Za-z][A-Za-z0-9]*);")


def _esc(s: str) -> str:
    return html.escape(s, quote=True)


def math_element(body: str, display: str = "inline", alttext: str | None = None) -> str:
    """``<math>`` around already-safe MathML ``body``."""
    alt = f' alttext="{_esc(alttext)}"' if alttext else ""
    return f'<math xmlns="{MATHML_NS}" display="{"block" if display == "block" else "inline"}"{alt}>{body}</math>'


# --- SymPy ------------------------------------------------------------------------------------------

def _serialise(node) -> str:
    """Serialise a minidom node of SymPy's printer, escaping text and keeping allowed markup."""
    if node.nodeType == node.TEXT_NODE:
        t = node.data
        if _ENTITY.fullmatch(t.strip()):  # the printer's own entities (&InvisibleTimes;, &#x2061;, &dd;)
            t = html.unescape(t.strip())
        return _esc(t)
    if node.nodeType != node.ELEMENT_NODE:
        return ""
    tag = node.tagName
    kids = "".join(_serialise(k) for k in node.childNodes)
    if tag == "mfenced":  # deprecated, not drawn by Chromium: explicit fences instead
        op = node.getAttribute("open") or "("
        cl = node.getAttribute("close") if node.hasAttribute("close") else ")"
        sep = node.getAttribute("separators") or ","
        parts = [_serialise(k) for k in node.childNodes if k.nodeType == k.ELEMENT_NODE]
        inner = f"<mo>{_esc(sep[0])}</mo>".join(parts) if len(parts) > 1 else "".join(parts)
        return f"<mrow><mo>{_esc(op)}</mo>{inner}<mo>{_esc(cl)}</mo></mrow>"
    if tag == "math":
        return kids
    if tag not in ALLOWED_TAGS:  # drop the element, keep its (escaped) content
        return kids
    attrs = "".join(f' {k}="{_esc(v)}"' for k, v in sorted(node.attributes.items()) if k in ALLOWED_ATTRS)
    return f"<{tag}{attrs}>{kids}</{tag}>"


def sympy_mathml(expr: Any, display: str = "inline") -> str:
    """A ``<math>`` element for a SymPy object (SymPy's presentation printer, safely serialised)."""
    from sympy.printing.mathml import MathMLPresentationPrinter

    dom = MathMLPresentationPrinter()._print(expr)
    return math_element(_serialise(dom), display)


# --- the plain-text notation -----------------------------------------------------------------------

GREEK = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ε", "eps": "ε", "zeta": "ζ", "eta": "η",
    "theta": "θ", "kappa": "κ", "lambda": "λ", "lam": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "rho": "ρ",
    "sigma": "σ", "tau": "τ", "phi": "φ", "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ",
    "Lambda": "Λ", "Sigma": "Σ", "Phi": "Φ", "Psi": "Ψ", "Omega": "Ω", "Pi": "Π", "Xi": "Ξ", "Theta": "Θ",
    "ell": "ℓ", "oo": "∞", "inf": "∞", "infty": "∞", "infinity": "∞", "nabla": "∇", "grad": "∇", "hess": "∇²",
}
#: Words of two or more letters that count as math on their own (other words are prose).
MATH_WORDS = set(GREEK) | {"log", "ln", "exp", "sqrt", "sin", "cos", "max", "min", "sup", "argmin", "argmax", "Tr",
                           "tr", "Var", "Cov", "softmax", "msign", "diag", "Diag", "Theta", "lim", "erf", "erfc"}

#: Names after which a thin space separates the argument (log c, not logc).
_FUNCS = {"log", "ln", "exp", "sin", "cos", "tan", "max", "min", "sup", "Tr", "tr", "Var", "Cov", "diag", "Diag",
          "lim", "argmin", "argmax", "det", "sign"}

_OPS = {"<=": "≤", ">=": "≥", "!=": "≠", "->": "→", "=>": "⇒", "<-": "←", "~": "∼", "+-": "±", "*": "·",
        "...": "…", "<<": "≪", ">>": "≫", "==": "=", "~=": "≃", "-": "−"}
_TOKEN = re.compile(r"""
    (?P<num>\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)
  | (?P<ident>[A-Za-z][A-Za-z0-9]*'*)
  | (?P<op><=|>=|!=|->|=>|<-|\+-|\.\.\.|<<|>>|==|~=|\|\||\*\*|[-+*/=<>~,;:!.|'^_])
  | (?P<open>[(\[{])
  | (?P<close>[)\]}])
  | (?P<space>\s+)
  | (?P<other>.)
""", re.X)
_CLOSE = {"(": ")", "[": "]", "{": "}"}


class _Node:
    """A parsed piece of math: ``html`` is safe MathML; ``atom`` says it can be a fraction part
    or carry scripts; ``op`` is an operator (a fraction's numerator may follow one)."""

    def __init__(self, html_: str, atom: bool = True, op: bool = False, inner: str | None = None):
        self.html, self.atom, self.op, self.inner = html_, atom, op, inner


def _tokens(s: str) -> list[tuple[str, str]]:
    out = []
    for m in _TOKEN.finditer(s):
        kind = m.lastgroup
        out.append((kind, m.group()))
    return out


def _num(t: str) -> str:
    m = re.fullmatch(r"(\d+(?:\.\d+)?)[eE]([+-]?\d+)", t)
    if not m:
        return f"<mn>{_esc(t)}</mn>"
    mant, ex = m.group(1), m.group(2).lstrip("+")
    ex_html = f"<mrow><mo>−</mo><mn>{_esc(ex[1:])}</mn></mrow>" if ex.startswith("-") else f"<mn>{_esc(ex)}</mn>"
    pow10 = f"<msup><mn>10</mn>{ex_html}</msup>"
    return pow10 if mant in ("1", "1.0") else f"<mrow><mn>{_esc(mant)}</mn><mo>·</mo>{pow10}</mrow>"


def _ident(t: str) -> str:
    primes = len(t) - len(t.rstrip("'"))
    t = t.rstrip("'")
    tail = "<mo>′</mo>" * primes
    if t in GREEK:
        body = f"<mi>{GREEK[t]}</mi>"
    elif len(t) > 3 and t.endswith("bar"):
        base = t[:-3]
        inner = f"<mi>{GREEK[base]}</mi>" if base in GREEK else f"<mi>{_esc(base)}</mi>"
        body = f'<mover accent="true">{inner}<mo>¯</mo></mover>'
    elif len(t) > 1 and re.fullmatch(r"[A-Za-z]+[0-9]+", t):
        m = re.fullmatch(r"([A-Za-z]+)([0-9]+)", t)
        base = f"<mi>{GREEK.get(m.group(1), _esc(m.group(1)))}</mi>"
        body = f"<msub>{base}<mn>{m.group(2)}</mn></msub>"
    else:
        body = f"<mi>{_esc(t)}</mi>"
    return f"<mrow>{body}{tail}</mrow>" if tail else body


class _Parser:
    def __init__(self, toks):
        self.t = [x for x in toks if x[0] != "space"]
        self.i = 0

    def peek(self):
        return self.t[self.i] if self.i < len(self.t) else (None, None)

    def seq(self, closer: str | None) -> tuple[list[_Node], bool]:
        """Nodes up to ``closer`` (consumed); returns (nodes, closed)."""
        nodes: list[_Node] = []
        while self.i < len(self.t):
            kind, val = self.t[self.i]
            if closer is not None and val == closer:
                self.i += 1
                return nodes, True
            if kind == "close":  # a closer that is not ours: shown as written
                self.i += 1
                nodes.append(_Node(f"<mo>{_esc(val)}</mo>", atom=False, op=False))
                continue
            if val in ("^", "_") or val == "**":
                self.i += 1
                self._script(nodes, "^" if val == "**" else val)
                continue
            nodes.append(self.atom())
        return nodes, closer is None

    def atom(self) -> _Node:
        kind, val = self.t[self.i]
        self.i += 1
        if kind == "open":
            inner, closed = self.seq(_CLOSE[val])
            body = _frac_pass(inner)
            if val == "{":
                return _Node(f"<mrow>{body}</mrow>", inner=body)
            close = f'<mo stretchy="false">{_esc(_CLOSE[val])}</mo>' if closed else ""
            return _Node(f'<mrow><mo stretchy="false">{_esc(val)}</mo>{body}{close}</mrow>', inner=body)
        if val in ("||", "|"):
            inner, closed = self.seq(val)
            fence = "‖" if val == "||" else "|"
            body = _frac_pass(inner)
            close = f'<mo stretchy="false">{fence}</mo>' if closed else ""
            return _Node(f'<mrow><mo stretchy="false">{fence}</mo>{body}{close}</mrow>')
        if kind == "num":
            return _Node(_num(val))
        if kind == "ident":
            nk, nv = self.peek()
            if val == "sqrt" and nk in ("open", "ident", "num"):  # sqrt(x), sqrt c
                arg = self.atom()
                return _Node(f"<msqrt>{arg.inner if arg.inner is not None else arg.html}</msqrt>")
            if val in _FUNCS and nk in ("ident", "num"):  # log c: a thin space after the name
                return _Node(_ident(val) + '<mspace width="0.17em"></mspace>')
            return _Node(_ident(val))
        if kind == "op":
            sym = _OPS.get(val, val)
            return _Node(f"<mo>{_esc(sym)}</mo>", atom=False, op=val not in ("!", "'"))
        return _Node(f"<mo>{_esc(val)}</mo>", atom=False, op=True)

    def _script(self, nodes: list[_Node], kind: str) -> None:
        """Attach a sub- or superscript to the last node (or show the mark when there is none)."""
        if self.i >= len(self.t):
            nodes.append(_Node(f"<mo>{_esc(kind)}</mo>", atom=False))
            return
        k, v = self.t[self.i]
        if v in ("*", "**"):  # f^*, x_*: a star, not a product dot
            self.i += 1
            script = "<mo>∗</mo>"
        elif v in ("-", "+") and self.i + 1 < len(self.t):  # e^-2t, x^+
            self.i += 1
            arg = self.atom()
            script = f"<mrow><mo>{'−' if v == '-' else '+'}</mo>{arg.html}</mrow>"
        elif k == "num" and kind in ("^", "_"):
            # x_12 is x with subscript 12; e^2t is e^2 t
            self.i += 1
            script = _num(v)
        else:
            arg = self.atom()
            script = f"<mrow>{arg.inner}</mrow>" if (arg.inner is not None and v == "{") else arg.html
        if not nodes or not nodes[-1].atom:
            nodes.append(_Node(f"<mo>{_esc(kind)}</mo>", atom=False))
            nodes.append(_Node(script))
            return
        base = nodes.pop()
        h = base.html
        if kind == "^" and h.startswith("<msub>"):  # x_k^2: one msubsup
            inner = h[len("<msub>"):-len("</msub>")]
            nodes.append(_Node(f"<msubsup>{inner}{script}</msubsup>"))
        else:
            tag = "msub" if kind == "_" else "msup"
            nodes.append(_Node(f"<{tag}>{h}{script}</{tag}>"))


def _frac_pass(nodes: list[_Node]) -> str:
    """Join nodes, making ``A / B`` a stacked fraction when A is an atom that starts a term (at the
    start, or after an operator) and B is an atom; otherwise ``/`` stays inline."""
    out: list[_Node] = []
    i = 0
    while i < len(nodes):
        n = nodes[i]
        is_slash = n.html == "<mo>/</mo>"
        if (is_slash and out and out[-1].atom and i + 1 < len(nodes) and nodes[i + 1].atom
                and (len(out) == 1 or out[-2].op)):
            num, den = out.pop(), nodes[i + 1]
            num_h = num.inner if num.inner is not None and num.html.startswith('<mrow><mo stretchy="false">(') else num.html
            den_h = den.inner if den.inner is not None and den.html.startswith('<mrow><mo stretchy="false">(') else den.html
            out.append(_Node(f"<mfrac><mrow>{num_h}</mrow><mrow>{den_h}</mrow></mfrac>"))
            i += 2
            continue
        out.append(n)
        i += 1
    return "".join(n.html for n in out)


def math_html(expr: str, display: str = "inline") -> str:
    """One ``<math>`` element for a string of math in the plain-text notation (see the module
    docstring); the original text is kept in ``alttext``."""
    p = _Parser(_tokens(expr))
    nodes, _ = p.seq(None)
    return math_element(f"<mrow>{_frac_pass(nodes)}</mrow>", display, alttext=expr)


# --- prose and math in one string ----------------------------------------------------------------

_ID_LIKE = re.compile(r"[A-Z]{1,5}\d{2}(\.[A-Za-z0-9_]+)*")
_HAS_MATH_CHAR = re.compile(r"[_^=<>|+*/~\\]|\d")
_WORDS = re.compile(r"\S+|\s+")
_TRAIL = ".,;:"


def _is_math(word: str, nxt: str | None) -> bool:
    core = word.rstrip(_TRAIL) or word
    if _ID_LIKE.fullmatch(core.strip("()[]")):
        return False  # a claim or paper ID (K24.lemma5), not math
    bare = core.strip("()[]{}\"'")
    if not bare:
        return False
    if bare in ("-", "+", "=", "<", ">", "->", "~", "*", "/", "<=", ">=", "!="):
        return True
    if bare[:1] in "-+" and len(bare) > 1:  # -t, +1
        return _is_math(bare[1:], nxt)
    if re.fullmatch(r"x\d+(\.\d+)?|\d+(\.\d+)?x", bare) or bare.endswith(("'s", "’s")):  # x1.02, 5.77x, 6's
        return False
    if re.fullmatch(r"[A-Za-z]+", bare):
        if len(bare) == 1:
            if bare in ("a", "A", "I"):
                return bool(nxt) and nxt[:1] in "=<>~^_"
            return True
        return bare in MATH_WORDS
    if re.fullmatch(r"[A-Za-z]{2,}(-[A-Za-z]{2,})+", bare):  # heavy-tailed, class-imbalanced
        return False
    if re.fullmatch(r"[A-Za-z]{3,}/[A-Za-z]{3,}", bare):  # and/or
        return False
    for w in re.findall(r"[A-Za-z]{4,}", bare):
        # a long word inside: math only when it is a known name (softmax(Wx), Theta(1/c), xbar^k)
        if not (w in MATH_WORDS or w.endswith("bar")):
            return False
    if re.search(r"[()\[\],]", bare) and re.search(r"[A-Za-z]", bare):
        return True  # l(W, x, y), f(x): short names with brackets (long prose words were ruled out above)
    return bool(_HAS_MATH_CHAR.search(bare))


def text_html(text: str) -> str:
    """HTML for a statement, finding or correction: prose escaped, each stretch of math as an
    inline ``<math>`` element (see :func:`math_html`)."""
    if not isinstance(text, str):
        text = str(text)
    parts = _WORDS.findall(text)
    words = [(i, w) for i, w in enumerate(parts) if not w.isspace()]
    flags: dict[int, bool] = {}
    for j, (i, w) in enumerate(words):
        nxt = words[j + 1][1] if j + 1 < len(words) else None
        flags[i] = _is_math(w, nxt)
    out: list[str] = []
    run: list[str] = []

    def flush():
        if not run:
            return
        s = "".join(run)
        stripped = s.rstrip()
        trail_ws = s[len(stripped):]
        core = stripped.rstrip(_TRAIL)
        punct = stripped[len(core):]
        # a lone number or a word in parentheses reads better as text
        if core and re.search(r"[A-Za-z0-9]", core):
            out.append(math_html(core))
        else:
            out.append(_esc(core))
        out.append(_esc(punct + trail_ws))
        run.clear()

    for i, w in enumerate(parts):
        if w.isspace():
            (run if run else out).append(w if run else _esc(w))
            continue
        if flags[i]:
            run.append(w)
            if w[-1:] in ";:" or (w.endswith(".") and not w.endswith("..")):
                flush()  # a clause ends here: the next math is a new formula
        else:
            flush()
            out.append(_esc(w))
    flush()
    return "".join(out)
