"""terse: semantic compression of LLM inputs (a ctypes binding of libterse).

    >>> import terse
    >>> r = terse.compress("In order to win, we did this.")
    >>> r.text, r.tokens_in, r.tokens_out
    ('To win we did this.', 9, 6)

Every call goes through libterse's public API (include/terse.h). ctypes
releases the GIL for the length of each library call, so compress_many()
and plain Python threads compress on several cores at once. Errors raise a
subclass of terse.Error that carries the library's message.

The library is found, in this order: the file named by the TERSE_LIBRARY
environment variable; the copy installed inside this package; the library
directory recorded when the package was built (an installed libterse);
the system's loader (libterse.so.0).
"""

import ctypes
import ctypes.util
import json
import os
import threading

__all__ = [
    "Error", "InvalidInput", "OutOfMemory", "TokenOutOfRange", "InputTooBig", "BudgetNotMet",
    "FormatError", "Result", "Compressor", "compress", "compress_many", "compress_messages",
    "count", "tokenize", "detokenize", "decode", "tokenizers", "version", "LEVELS", "TYPES",
]

LEVELS = ("exact", "safe", "balanced", "max")
TYPES = ("auto", "prose", "code", "json", "log", "memory", "chat")

# ---- errors -----------------------------------------------------------------------

_OK, _ENOMEM, _EINVAL, _ERANGE, _ETOOBIG, _EBUDGET, _EFORMAT = range(7)


class Error(Exception):
    """A failed terse call. `code` is the library's status (TERSE_E*)."""

    def __init__(self, message, code=None):
        super().__init__(message)
        self.code = code


class InvalidInput(Error, ValueError):
    """A bad argument: an unknown level, type, model or language, a bad budget."""


class OutOfMemory(Error, MemoryError):
    """The library could not allocate memory."""


class TokenOutOfRange(Error, ValueError):
    """detokenize: an id the tokenizer's vocabulary does not have."""


class InputTooBig(Error, ValueError):
    """The input is too large for the operation."""


class BudgetNotMet(Error):
    """The budget cannot be met; `min_tokens` is the smallest budget that
    can (include/terse.h, terse_result.min_tokens)."""

    def __init__(self, message, code=None, min_tokens=None):
        super().__init__(message, code)
        self.min_tokens = min_tokens


class FormatError(Error, ValueError):
    """decode: the text is not a valid terse encoding."""


_ERRORS = {_ENOMEM: OutOfMemory, _EINVAL: InvalidInput, _ERANGE: TokenOutOfRange,
           _ETOOBIG: InputTooBig, _EBUDGET: BudgetNotMet, _EFORMAT: FormatError}


def _raise(code, what, **extra):
    msg = _lib.terse_strerror(code).decode()
    raise _ERRORS.get(code, Error)("%s: %s" % (what, msg), code, **extra)


# ---- the library ------------------------------------------------------------------

def _find_library():
    here = os.path.dirname(os.path.abspath(__file__))
    tried = []
    env = os.environ.get("TERSE_LIBRARY")
    if env:
        return env
    bundled = os.path.join(here, "libterse.so.0")
    if os.path.exists(bundled):
        return bundled
    tried.append(bundled)
    try:
        from . import _config  # written by the build backend
        if getattr(_config, "LIBDIR", None):
            p = os.path.join(_config.LIBDIR, "libterse.so.0")
            if os.path.exists(p):
                return p
            tried.append(p)
    except ImportError:
        pass
    return ctypes.util.find_library("terse") or "libterse.so.0"


class _Options(ctypes.Structure):
    # include/terse.h, struct terse_options (the tail is room for fields a
    # newer library may add: terse_options_init writes the whole struct)
    _fields_ = [
        ("level", ctypes.c_int),
        ("type", ctypes.c_int),
        ("tokenizer", ctypes.c_void_p),
        ("query", ctypes.c_char_p),
        ("query_len", ctypes.c_size_t),
        ("budget", ctypes.c_size_t),
        ("name", ctypes.c_char_p),
        ("lang", ctypes.c_char_p),
        ("keep_recent", ctypes.c_size_t),
        ("compress_system", ctypes.c_int),
        ("compact", ctypes.c_int),
        ("count_newline", ctypes.c_int),
        ("rewrite", ctypes.c_void_p),
        ("rewrite_user", ctypes.c_void_p),
        ("rewrite_tokens", ctypes.c_size_t),
        ("word_model", ctypes.c_char_p),
        ("word_model_len", ctypes.c_size_t),
        ("word_model_off", ctypes.c_int),
        ("_reserved", ctypes.c_char * 256),
    ]


class _Result(ctypes.Structure):
    # include/terse.h, struct terse_result (tail: room, as above)
    _fields_ = [
        ("text", ctypes.c_void_p),
        ("len", ctypes.c_size_t),
        ("tokens_in", ctypes.c_size_t),
        ("tokens_out", ctypes.c_size_t),
        ("level", ctypes.c_int),
        ("type", ctypes.c_int),
        ("segments", ctypes.c_size_t),
        ("segments_dropped", ctypes.c_size_t),
        ("duplicates", ctypes.c_size_t),
        ("guard_fallbacks", ctypes.c_size_t),
        ("min_tokens", ctypes.c_size_t),
        ("parse_errors", ctypes.c_size_t),
        ("elided", ctypes.c_size_t),
        ("_reserved", ctypes.c_char * 256),
    ]


def _load():
    lib = ctypes.CDLL(_find_library())
    P, S, I = ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int
    sig = {
        "terse_version": (ctypes.c_char_p, []),
        "terse_strerror": (ctypes.c_char_p, [I]),
        "terse_free": (None, [P]),
        "terse_tokenizer_find": (P, [ctypes.c_char_p]),
        "terse_tokenizer_at": (P, [S]),
        "terse_tokenizer_name": (ctypes.c_char_p, [P]),
        "terse_tokenizer_description": (ctypes.c_char_p, [P]),
        "terse_tokenizer_is_exact": (I, [P]),
        "terse_count": (I, [P, ctypes.c_char_p, S, ctypes.c_uint, ctypes.POINTER(S)]),
        "terse_encode": (I, [P, ctypes.c_char_p, S, ctypes.c_uint,
                             ctypes.POINTER(ctypes.POINTER(ctypes.c_uint32)), ctypes.POINTER(S)]),
        "terse_decode": (I, [P, ctypes.POINTER(ctypes.c_uint32), S, ctypes.POINTER(P),
                             ctypes.POINTER(S)]),
        "terse_level_name": (ctypes.c_char_p, [I]),
        "terse_type_name": (ctypes.c_char_p, [I]),
        "terse_level_parse": (I, [ctypes.c_char_p]),
        "terse_type_parse": (I, [ctypes.c_char_p]),
        "terse_lang_name": (ctypes.c_char_p, [S]),
        "terse_lang_parse": (I, [ctypes.c_char_p]),
        "terse_options_init": (None, [ctypes.POINTER(_Options)]),
        "terse_ctx_new": (P, [ctypes.POINTER(_Options), ctypes.POINTER(I)]),
        "terse_ctx_free": (None, [P]),
        "terse_word_model_check": (I, [ctypes.c_char_p, S, ctypes.POINTER(ctypes.c_char_p)]),
        "terse_compress": (I, [P, ctypes.c_char_p, S, ctypes.POINTER(_Result)]),
        "terse_result_free": (None, [ctypes.POINTER(_Result)]),
        "terse_expand": (I, [ctypes.c_char_p, S, I, ctypes.POINTER(P), ctypes.POINTER(S),
                             ctypes.c_char_p, S]),
    }
    for name, (res, args) in sig.items():
        f = getattr(lib, name)
        f.restype = res
        f.argtypes = args
    return lib


_lib = _load()
_compress = _lib.terse_compress
_result_free = _lib.terse_result_free
_LEVEL_NAMES = {i: _lib.terse_level_name(i).decode() for i in range(4)}
_TYPE_NAMES = {i: _lib.terse_type_name(i).decode() for i in range(7)}


def version():
    """The library's version string, e.g. "0.1.0"."""
    return _lib.terse_version().decode()


__version__ = version()

# ---- arguments --------------------------------------------------------------------


def _bytes(text, what="text"):
    if isinstance(text, str):
        # lone surrogates pass through as bytes that the library reads as U+FFFD
        return text.encode("utf-8", "surrogatepass")
    if isinstance(text, (bytes, bytearray, memoryview)):
        return bytes(text)
    raise TypeError("%s must be str or bytes, not %s" % (what, type(text).__name__))


def _tokenizer(model=None, tokenizer=None):
    if model is not None and tokenizer is not None:
        raise InvalidInput("give only one of model and tokenizer", _EINVAL)
    name = model if model is not None else tokenizer if tokenizer is not None else "o200k"
    if not isinstance(name, str):
        raise TypeError("model and tokenizer are names (str)")
    t = _lib.terse_tokenizer_find(name.encode())
    if not t:
        raise InvalidInput("unknown %s '%s' (tokenizers: o200k, cl100k, gemma3, claude; models such "
                           "as gpt-4o, gpt-4, gemini-2.5-pro, claude-sonnet-4)"
                           % ("model" if model is not None else "tokenizer", name), _EINVAL)
    return t


def _choice(value, parse, names, what):
    if isinstance(value, str):
        v = parse(value.encode())
        if v >= 0:
            return v
    raise InvalidInput("unknown %s %r (%ss: %s)" % (what, value, what, ", ".join(names)), _EINVAL)


def _langs():
    out, i = [], 0
    while True:
        n = _lib.terse_lang_name(i)
        if n is None:
            return out
        out.append(n.decode())
        i += 1


# ---- compression ------------------------------------------------------------------


class Result:
    """What terse.compress returns: the compressed `text` and its figures
    (the fields of `terse compress --json`)."""

    __slots__ = ("text", "tokens_in", "tokens_out", "tokenizer", "exact", "level", "type",
                 "segments", "dropped", "duplicates", "guard_fallbacks", "parse_errors", "elided")

    def __init__(self, text, tokens_in, tokens_out, tokenizer, exact, level, type, segments, dropped,
                 duplicates, guard_fallbacks, parse_errors, elided):
        self.text, self.tokens_in, self.tokens_out = text, tokens_in, tokens_out
        self.tokenizer, self.exact, self.level, self.type = tokenizer, exact, level, type
        self.segments, self.dropped, self.duplicates = segments, dropped, duplicates
        self.guard_fallbacks, self.parse_errors, self.elided = guard_fallbacks, parse_errors, elided

    def as_dict(self):
        """The result as a dict, in `terse compress --json`'s key order."""
        return {k: getattr(self, k) for k in self.__slots__}

    def __eq__(self, other):
        return isinstance(other, Result) and self.as_dict() == other.as_dict()

    def __repr__(self):
        return "Result(tokens_in=%d, tokens_out=%d, level=%r, type=%r, text=%r)" % (
            self.tokens_in, self.tokens_out, self.level, self.type,
            self.text if len(self.text) < 60 else self.text[:57] + "...")


class Compressor:
    """Compression options made once (a library context), used for any
    number of texts from any number of threads: the context is immutable.

        c = terse.Compressor(level="max", model="gpt-4o")
        results = [c.compress(t) for t in texts]
    """

    def __init__(self, level=None, type="auto", query=None, budget=None, model=None, lang=None,
                 name=None, tokenizer=None, keep_recent=0, compress_system=False, compact=False,
                 word_model=None):
        o = _Options()
        _lib.terse_options_init(ctypes.byref(o))
        if level is not None:
            o.level = _choice(level, _lib.terse_level_parse, LEVELS, "level")
        elif budget is not None:
            o.level = 3  # as on the command line: with a budget every level is tried
        o.type = _choice(type, _lib.terse_type_parse, TYPES, "type")
        self._tok = _tokenizer(model, tokenizer)
        o.tokenizer = self._tok
        keep = []  # the bytes o points to live until ctx_new has copied them
        if query is not None:
            q = _bytes(query, "query")
            keep.append(q)
            o.query, o.query_len = q, len(q)
        if budget is not None:
            if isinstance(budget, bool) or not isinstance(budget, int) or budget <= 0:
                raise InvalidInput("budget must be a positive number of tokens, not %r" % (budget,),
                                   _EINVAL)
            o.budget = budget
        if lang is not None:
            if not isinstance(lang, str) or _lib.terse_lang_parse(lang.encode()) < 0:
                raise InvalidInput("unknown language %r (languages: %s)" % (lang, ", ".join(_langs())),
                                   _EINVAL)
            o.lang = lang.encode()
        if name is not None:
            o.name = os.fsencode(name)
        if isinstance(keep_recent, bool) or not isinstance(keep_recent, int) or keep_recent < 0:
            raise InvalidInput("keep_recent must be a number of messages, not %r" % (keep_recent,),
                               _EINVAL)
        o.keep_recent = keep_recent
        o.compress_system = 1 if compress_system else 0
        o.compact = 1 if compact else 0
        if word_model == "none":
            o.word_model_off = 1
        elif word_model is not None:
            if isinstance(word_model, (bytes, bytearray)):
                wm = bytes(word_model)
            elif isinstance(word_model, (str, os.PathLike)):
                with open(word_model, "rb") as f:
                    wm = f.read()
            else:
                raise InvalidInput("word_model must be a file name, bytes or \"none\", not %r"
                                   % (word_model,), _EINVAL)
            why = ctypes.c_char_p()
            st = _lib.terse_word_model_check(wm, len(wm), ctypes.byref(why))
            if st != 0:
                msg = why.value.decode() if why.value else "bad model"
                if st == _EINVAL:
                    raise InvalidInput("word_model: " + msg, st)
                _raise(st, "word_model")
            keep.append(wm)
            o.word_model, o.word_model_len = wm, len(wm)
        status = ctypes.c_int(0)
        self._ctx = None
        ctx = _lib.terse_ctx_new(ctypes.byref(o), ctypes.byref(status))
        if not ctx:
            _raise(status.value, "compress")
        self._ctx = ctx
        self._budget = budget
        self._tok_name = _lib.terse_tokenizer_name(self._tok).decode()
        self._exact = bool(_lib.terse_tokenizer_is_exact(self._tok))
        self._free = _lib.terse_ctx_free

    def __del__(self):
        if getattr(self, "_ctx", None):
            self._free(self._ctx)
            self._ctx = None

    def compress(self, text):
        """Compresses text (str or bytes); returns a Result."""
        data = _bytes(text)
        r = _Result()
        rp = ctypes.byref(r)
        # ctypes releases the GIL for the call: other threads run meanwhile
        rc = _compress(self._ctx, data, len(data), rp)
        if rc != _OK:
            if rc == _EBUDGET:
                need = r.min_tokens
                _result_free(rp)
                raise BudgetNotMet("a budget of %d token%s cannot be met: the smallest that can is %d "
                                   "(%s); give a larger budget"
                                   % (self._budget, "" if self._budget == 1 else "s", need,
                                      self._tok_name), rc, min_tokens=need)
            _raise(rc, "compress")
        try:
            return Result(ctypes.string_at(r.text, r.len).decode("utf-8"), r.tokens_in, r.tokens_out,
                          self._tok_name, self._exact, _LEVEL_NAMES[r.level], _TYPE_NAMES[r.type],
                          r.segments, r.segments_dropped, r.duplicates, r.guard_fallbacks,
                          r.parse_errors, r.elided)
        finally:
            _result_free(rp)

    def compress_many(self, texts, threads=None):
        """Compresses every text on `threads` threads (default: one per
        core); returns the Results in input order. Raises the first error
        (in input order) after every text has been tried."""
        texts = list(texts)
        n = threads if threads is not None else (os.cpu_count() or 1)
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise InvalidInput("threads must be a positive number, not %r" % (threads,), _EINVAL)
        n = min(n, max(1, len(texts)))
        if n == 1:
            return [self.compress(t) for t in texts]
        out = [None] * len(texts)
        errors = {}
        todo = iter(range(len(texts)))
        lock = threading.Lock()

        def work():
            # each thread takes the next index until none is left: no future
            # per text, so the GIL is held only for the Python around each call
            while True:
                with lock:
                    i = next(todo, None)
                if i is None:
                    return
                try:
                    out[i] = self.compress(texts[i])
                except Exception as e:  # reported in input order below
                    errors[i] = e

        ts = [threading.Thread(target=work, daemon=True) for _ in range(n)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        if errors:
            raise errors[min(errors)]
        return out


def compress(text, level=None, type="auto", query=None, budget=None, model=None, lang=None,
             name=None, tokenizer=None, keep_recent=0, compress_system=False, word_model=None):
    """Compresses text for a model; returns a Result.

    level: "exact", "safe", "balanced" (default) or "max"; with a budget,
    the highest level tried (default "max", as on the command line).
    type: "auto" (detect), "prose", "code", "json", "log", "memory", "chat".
    query: keep what is relevant to it first. budget: at most this many
    tokens. model or tokenizer: whose tokens are counted (default o200k).
    lang / name: the language of code, or a file name that says it.
    word_model: max's word-importance model (a file name or the bytes of a
    file made by `terse train`; "none": the rules alone; default: built in).
    """
    return Compressor(level, type, query, budget, model, lang, name, tokenizer, keep_recent,
                      compress_system, word_model=word_model).compress(text)


def compress_many(texts, threads=None, **options):
    """Compresses every text with the same options (those of compress) on
    `threads` threads (default: one per core); returns the Results in
    input order, identical to compressing them one by one."""
    return Compressor(**options).compress_many(texts, threads)


# ---- chat messages ----------------------------------------------------------------

_PROVIDERS = {"openai": "messages", "anthropic": "messages", "gemini": "contents"}


def compress_messages(messages, provider="openai", level=None, query=None, budget=None, model=None,
                      tokenizer=None, keep_recent=0, compress_system=False):
    """Compresses a conversation in a provider's shape and returns it in the
    same shape: only message text changes; roles, ids, tool calls, images
    and every other field keep their values (docs/levels.md, "Chat").

    messages: a list of messages (OpenAI, Anthropic: dicts with "role";
    Gemini: "contents" entries, dicts with "parts"), or a whole request
    body ({"messages": [...], "system": ...} or {"contents": [...],
    "systemInstruction": ...}); a list comes back as a list, a dict as a
    dict. provider: "openai", "anthropic" or "gemini".
    """
    key = _PROVIDERS.get(provider)
    if key is None:
        raise InvalidInput("unknown provider %r (providers: openai, anthropic, gemini)" % (provider,),
                           _EINVAL)
    if isinstance(messages, dict):
        body, items = messages, messages.get(key)
    elif isinstance(messages, (list, tuple)):
        body, items = {key: list(messages)}, messages
    else:
        raise TypeError("messages must be a list of messages or a request dict")
    need = "parts" if provider == "gemini" else "role"
    if not isinstance(items, (list, tuple)) or not all(isinstance(m, dict) and need in m
                                                      for m in items):
        raise InvalidInput("%s messages are a list of objects that have %r%s"
                           % (provider, need, "" if isinstance(messages, list) else
                              " under %r" % key), _EINVAL)
    if not items:
        return [] if not isinstance(messages, dict) else dict(messages)
    try:
        doc = json.dumps(body, ensure_ascii=False)
    except (TypeError, ValueError) as e:
        raise InvalidInput("messages are not JSON: %s" % e, _EINVAL) from None
    r = compress(doc, level=level, type="chat", query=query, budget=budget, model=model,
                 tokenizer=tokenizer, keep_recent=keep_recent, compress_system=compress_system)
    try:
        out = json.loads(r.text)
    except ValueError:
        raise Error("compress_messages: the library did not return JSON for a %s conversation"
                    % provider) from None
    return out if isinstance(messages, dict) else out[key]


# ---- tokens -----------------------------------------------------------------------


def count(text, model=None, tokenizer=None, special=False):
    """The number of tokens of text (default tokenizer: o200k)."""
    t = _tokenizer(model, tokenizer)
    data = _bytes(text)
    n = ctypes.c_size_t(0)
    rc = _lib.terse_count(t, data, len(data), 1 if special else 0, ctypes.byref(n))
    if rc != _OK:
        _raise(rc, "count")
    return n.value


def tokenize(text, model=None, tokenizer=None, special=False):
    """The token ids of text, a list of int."""
    t = _tokenizer(model, tokenizer)
    data = _bytes(text)
    ids = ctypes.POINTER(ctypes.c_uint32)()
    n = ctypes.c_size_t(0)
    rc = _lib.terse_encode(t, data, len(data), 1 if special else 0, ctypes.byref(ids),
                           ctypes.byref(n))
    if rc != _OK:
        _raise(rc, "tokenize")
    try:
        return ids[:n.value] if n.value else []
    finally:
        _lib.terse_free(ids)


def detokenize(ids, model=None, tokenizer=None, errors="replace"):
    """The text of token ids (str; bytes that are not UTF-8 on their own,
    as a cut multi-byte character, are decoded with `errors`)."""
    t = _tokenizer(model, tokenizer)
    ids = list(ids)
    for i in ids:
        if isinstance(i, bool) or not isinstance(i, int) or not 0 <= i <= 0xFFFFFFFF:
            raise TokenOutOfRange("detokenize: %r is not a token id" % (i,), _ERANGE)
    arr = (ctypes.c_uint32 * len(ids))(*ids)
    out = ctypes.c_void_p()
    n = ctypes.c_size_t(0)
    rc = _lib.terse_decode(t, arr, len(ids), ctypes.byref(out), ctypes.byref(n))
    if rc != _OK:
        _raise(rc, "detokenize")
    try:
        return ctypes.string_at(out, n.value).decode("utf-8", errors)
    finally:
        _lib.terse_free(out)


def decode(text, type="auto"):
    """Turns compress output that is lossless (tabular JSON, JSON Lines,
    folded logs) back into what it encodes. type: "auto", "json" or "log"."""
    t = _choice(type, _lib.terse_type_parse, ("auto", "json", "log"), "type")
    if t not in (0, 3, 4):
        raise InvalidInput("unknown type %r (types: auto, json, log)" % (type,), _EINVAL)
    data = _bytes(text)
    out = ctypes.c_void_p()
    n = ctypes.c_size_t(0)
    err = ctypes.create_string_buffer(256)
    rc = _lib.terse_expand(data, len(data), t, ctypes.byref(out), ctypes.byref(n), err, len(err))
    if rc == _EFORMAT:
        raise FormatError("decode: %s" % err.value.decode("utf-8", "replace"), rc)
    if rc != _OK:
        _raise(rc, "decode")
    try:
        return ctypes.string_at(out, n.value).decode("utf-8", "replace")
    finally:
        _lib.terse_free(out)


def tokenizers():
    """The built-in tokenizers: a list of (name, exact, description)."""
    out, i = [], 0
    while True:
        t = _lib.terse_tokenizer_at(i)
        if not t:
            return out
        out.append((_lib.terse_tokenizer_name(t).decode(), bool(_lib.terse_tokenizer_is_exact(t)),
                    _lib.terse_tokenizer_description(t).decode()))
        i += 1


