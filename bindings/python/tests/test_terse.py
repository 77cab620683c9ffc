"""Tests of the terse Python binding (unittest, no third-party package).

    TERSE_LIBRARY=build/libterse.so PYTHONPATH=bindings/python \\
        python3 bindings/python/tests/test_terse.py [TERSE_PROGRAM]

Prints "ok - python: NAME" or "not ok - python: NAME" per test (the form
tests/run.sh counts). With TERSE_PROGRAM (build/terse), results are also
compared with the command line's --json output.
"""

import json
import os
import subprocess
import sys
import threading
import unittest

import terse

PROGRAM = None

PROSE = ("In order to win, we did this. It is important to note that the total was 42 "
         "and that we did not ship on 3 May.")
CODE = "def f(x):\n    # add one\n    return x + 1\n"
TABLE = json.dumps([{"id": i, "name": "user %d" % i, "team": "dev"} for i in range(8)])


def corpus():
    """Varied real text of this machine: docs, code, JSON."""
    out = []
    for d in ("/usr/share/doc", "/usr/include"):
        for root, dirs, files in os.walk(d):
            dirs.sort()
            for f in sorted(files):
                p = os.path.join(root, f)
                if f.endswith((".gz", ".png", ".jpg")) or not os.path.isfile(p):
                    continue
                try:
                    with open(p, "rb") as fh:
                        data = fh.read(6000)
                except OSError:
                    continue
                out.append(data.decode("utf-8", "replace"))
                if len(out) % 40 == 0:
                    break
            if len(out) >= 60 * (1 + (d == "/usr/include")):
                break
    return out + [PROSE, CODE, TABLE]


class Api(unittest.TestCase):
    def test_compress_result(self):
        r = terse.compress(PROSE)
        self.assertIsInstance(r, terse.Result)
        self.assertIn("42", r.text)
        self.assertIn("not", r.text)
        self.assertLess(r.tokens_out, r.tokens_in)
        self.assertEqual(r.tokens_out, terse.count(r.text))
        self.assertEqual(r.tokens_in, terse.count(PROSE))
        self.assertEqual((r.level, r.type, r.tokenizer, r.exact), ("balanced", "prose", "o200k", True))
        self.assertEqual(list(r.as_dict())[:3], ["text", "tokens_in", "tokens_out"])

    def test_levels_and_types(self):
        self.assertEqual(terse.compress("a  b", level="exact").text, "a b")
        self.assertEqual(terse.compress(CODE, lang="python").type, "code")
        self.assertEqual(terse.compress(CODE, name="x.py").text, "def f(x):return x+1")
        self.assertEqual(terse.compress(CODE, name="x.py", level="max").elided, 1)
        self.assertEqual(terse.compress(TABLE, level="safe").type, "json")
        for lv in terse.LEVELS:
            self.assertEqual(terse.compress(PROSE, level=lv).level, lv)

    def test_budget_and_query(self):
        doc = " ".join("Paragraph %d talks about topic %d in some detail." % (i, i) for i in range(40))
        r = terse.compress(doc, budget=60, query="topic 7")
        self.assertLessEqual(r.tokens_out, 60)
        self.assertIn("topic 7", r.text)
        self.assertEqual(r.level, "max")  # with a budget every level is tried, as in the CLI

    def test_word_model(self):
        text = "The study found that users tended to choose extreme partisan content over several years."
        rules = terse.compress(text, level="max", word_model="none").text
        built_in = terse.compress(text, level="max").text
        self.assertNotEqual(rules, built_in)
        self.assertIn("several years", built_in)
        with self.assertRaises(terse.InvalidInput) as e:
            terse.compress(text, level="max", word_model=b"terse-wm but not a model")
        self.assertIn("truncated", str(e.exception))
        with self.assertRaises(terse.InvalidInput):
            terse.compress(text, level="max", word_model=42)

    def test_model_and_tokenizer(self):
        self.assertEqual(terse.compress(PROSE, model="gpt-4").tokenizer, "cl100k")
        self.assertEqual(terse.compress(PROSE, tokenizer="gemma3").tokenizer, "gemma3")
        self.assertFalse(terse.compress(PROSE, model="claude-sonnet-4").exact)
        self.assertEqual(terse.count("hello world"), 2)
        self.assertEqual(terse.count("hello world", model="gemini-2.5-pro"), 2)

    def test_tokenize_detokenize(self):
        self.assertEqual(terse.tokenize("hello world", tokenizer="o200k"), [24912, 2375])
        self.assertEqual(terse.tokenize(""), [])
        self.assertEqual(terse.tokenize("<|endoftext|> hi", special=True), [199999, 5911])
        for name in ("o200k", "cl100k"):
            ids = terse.tokenize(PROSE, tokenizer=name)
            self.assertEqual(terse.detokenize(ids, tokenizer=name), PROSE)

    def test_decode(self):
        r = terse.compress(TABLE, level="safe")
        self.assertNotEqual(r.text, TABLE)
        self.assertEqual(json.loads(terse.decode(r.text)), json.loads(TABLE))
        log = "".join("2024-01-01 10:00:%02d INFO worker ok\n" % i for i in range(20))
        folded = terse.compress(log, level="safe", type="log").text
        self.assertEqual(terse.decode(folded, type="log"), log)

    def test_compressor_reuse(self):
        c = terse.Compressor(level="max")
        self.assertEqual(c.compress(PROSE), c.compress(PROSE))
        self.assertEqual(c.compress(PROSE), terse.compress(PROSE, level="max"))

    def test_tokenizers_and_version(self):
        names = [t[0] for t in terse.tokenizers()]
        self.assertEqual(names[:3], ["o200k", "cl100k", "gemma3"])
        self.assertRegex(terse.version(), r"^\d+\.\d+\.\d+$")

    def test_matches_cli(self):
        if not PROGRAM:
            self.skipTest("no TERSE_PROGRAM given")
        for text, args, kw in [(PROSE, ["--level", "max"], {"level": "max"}),
                               (CODE, ["--lang", "py"], {"lang": "py"}),
                               (TABLE, ["--level", "safe", "--model", "gpt-4"],
                                {"level": "safe", "model": "gpt-4"})]:
            out = subprocess.run([PROGRAM, "compress", "--json"] + args, input=text.encode(),
                                 capture_output=True, check=True).stdout
            self.assertEqual(json.loads(out), terse.compress(text, **kw).as_dict())


class Messages(unittest.TestCase):
    SYSTEM = "In order to help, be brief."
    ASK = "In order to plan, I need the weather on 3 May. It is not urgent."

    def test_openai(self):
        msgs = [{"role": "system", "content": self.SYSTEM},
                {"role": "user", "content": self.ASK, "name": "ann"},
                {"role": "assistant", "content": None,
                 "tool_calls": [{"id": "c1", "type": "function",
                                 "function": {"name": "weather", "arguments": "{\"day\":\"3 May\"}"}}]},
                {"role": "tool", "tool_call_id": "c1", "content": "{\"temp\": 21, \"sky\": \"clear\"}"}]
        out = terse.compress_messages(msgs, provider="openai")
        self.assertIsInstance(out, list)
        self.assertEqual(len(out), 4)
        self.assertEqual([m["role"] for m in out], ["system", "user", "assistant", "tool"])
        self.assertEqual(out[0]["content"], self.SYSTEM)  # kept unless compress_system
        self.assertEqual(out[1]["name"], "ann")
        self.assertIn("3 May", out[1]["content"])
        self.assertIn("not", out[1]["content"])
        self.assertLess(len(out[1]["content"]), len(self.ASK))
        self.assertEqual(out[2]["tool_calls"], msgs[2]["tool_calls"])
        self.assertEqual(out[3]["tool_call_id"], "c1")
        self.assertIn("21", out[3]["content"])  # a tool result: compressed as what it is
        self.assertIn("clear", out[3]["content"])
        self.assertEqual(msgs[1]["content"], self.ASK)  # the input is not changed
        sysc = terse.compress_messages(msgs, compress_system=True)[0]["content"]
        self.assertNotEqual(sysc, self.SYSTEM)

    def test_anthropic(self):
        body = {"model": "claude-sonnet-4", "max_tokens": 100, "system": self.SYSTEM,
                "messages": [{"role": "user", "content": [{"type": "text", "text": self.ASK}]},
                             {"role": "assistant", "content": "Sure."}]}
        out = terse.compress_messages(body, provider="anthropic")
        self.assertIsInstance(out, dict)
        self.assertEqual(out["model"], "claude-sonnet-4")
        self.assertEqual(out["max_tokens"], 100)
        self.assertEqual(out["messages"][0]["content"][0]["type"], "text")
        self.assertIn("3 May", out["messages"][0]["content"][0]["text"])
        lst = terse.compress_messages(body["messages"], provider="anthropic")
        self.assertEqual(lst, out["messages"])

    def test_gemini(self):
        contents = [{"role": "user", "parts": [{"text": self.ASK}]},
                    {"role": "model", "parts": [{"text": "Sure, in order to help I will look."}]}]
        out = terse.compress_messages(contents, provider="gemini")
        self.assertEqual([c["role"] for c in out], ["user", "model"])
        self.assertIn("3 May", out[0]["parts"][0]["text"])
        self.assertLess(len(out[0]["parts"][0]["text"]), len(self.ASK))

    def test_prefix_is_stable(self):
        msgs = [{"role": "user", "content": self.ASK}, {"role": "assistant", "content": PROSE},
                {"role": "user", "content": "Thanks! And in order to pack, what about 4 May?"}]
        full = terse.compress_messages(msgs)
        self.assertEqual(terse.compress_messages(msgs[:2]), full[:2])

    def test_bad_shapes(self):
        with self.assertRaises(terse.InvalidInput):
            terse.compress_messages([{"content": "no role"}])
        with self.assertRaises(terse.InvalidInput):
            terse.compress_messages([{"role": "user", "content": "x"}], provider="gemini")
        with self.assertRaises(terse.InvalidInput):
            terse.compress_messages([], provider="mistral")
        self.assertEqual(terse.compress_messages([]), [])


class Errors(unittest.TestCase):
    def test_bad_options(self):
        for kw in ({"level": "huge"}, {"type": "xml"}, {"model": "gpt-9000x"}, {"lang": "cobol"},
                   {"budget": 0}, {"budget": -3}, {"keep_recent": -1}, {"model": "gpt-4o", "tokenizer": "o200k"}):
            with self.assertRaises(terse.InvalidInput, msg=kw) as cm:
                terse.compress(PROSE, **kw)
            self.assertIsInstance(cm.exception, ValueError)
            self.assertIsInstance(cm.exception, terse.Error)
            self.assertEqual(cm.exception.code, 2)
        with self.assertRaisesRegex(terse.InvalidInput, "unknown level 'huge'"):
            terse.compress(PROSE, level="huge")
        with self.assertRaises(TypeError):
            terse.compress(42)

    def test_budget(self):
        with self.assertRaises(terse.BudgetNotMet) as cm:
            terse.compress("Hello there, this is a fact: 42.", budget=1)
        self.assertEqual(cm.exception.code, 5)
        self.assertGreater(cm.exception.min_tokens, 1)
        self.assertIn("cannot be met", str(cm.exception))

    def test_library_messages(self):
        with self.assertRaises(terse.TokenOutOfRange) as cm:
            terse.detokenize([10 ** 9], tokenizer="o200k")
        self.assertIn("token id not in the tokenizer's vocabulary", str(cm.exception))
        with self.assertRaises(terse.FormatError) as cm:
            terse.decode("[{a,b}:1,2;3", type="json")
        self.assertTrue(str(cm.exception).startswith("decode: "))
        with self.assertRaises(terse.InvalidInput):
            terse.decode("x", type="prose")

    def test_errors_in_threads(self):
        texts = [PROSE, "Hello there, this is a fact: 42.", PROSE]
        with self.assertRaises(terse.BudgetNotMet):
            terse.compress_many(texts, threads=2, budget=3)


class Unicode(unittest.TestCase):
    def test_round_trips(self):
        for s in ("Größe: 42 €; naïve café — “quoted” ✓", "日本語のテキストです。42個", "emoji 🎉👍🏽 ok",
                  "Ελληνικά και русский текст, 3 мая"):
            r = terse.compress(s, level="exact")
            self.assertEqual(r.text, s)
            self.assertEqual(terse.detokenize(terse.tokenize(s)), s)
            self.assertEqual(terse.count(s), len(terse.tokenize(s)))
            self.assertEqual(terse.count(s.encode()), terse.count(s))

    def test_invalid_utf8_and_surrogates(self):
        self.assertEqual(terse.compress(b"a\xffb", level="exact").text, "a\ufffdb")
        self.assertEqual(terse.count(b"a\xffb"), terse.count("a\ufffdb"))
        r = terse.compress("a\ud800b", level="exact")  # a lone surrogate
        self.assertEqual(r.text.count("\ufffd") >= 1, True)
        self.assertNotIn("\0", terse.compress("x\0y", level="exact").text.replace("x\0y", ""))


class Large(unittest.TestCase):
    def test_large_input(self):
        para = PROSE + " " + "Order 7712 shipped on 2024-05-03 to Lyon. " * 3 + "\n\n"
        doc = "".join("Section %d. %s" % (i, para) for i in range(4000))  # ~1 MB
        self.assertGreater(len(doc), 900000)
        r = terse.compress(doc)
        self.assertLess(r.tokens_out, r.tokens_in)
        self.assertIn("Section 3999", r.text)
        self.assertEqual(terse.count(doc), r.tokens_in)
        self.assertEqual(len(terse.tokenize(doc)), r.tokens_in)
        r2 = terse.compress(doc, budget=2000, query="section 1234")
        self.assertLessEqual(r2.tokens_out, 2000)


class Threads(unittest.TestCase):
    def test_compress_many_is_identical(self):
        texts = corpus()
        self.assertGreater(len(texts), 50)
        one = [terse.compress(t, level="max") for t in texts]
        for n in (1, 2, 4):
            self.assertEqual(terse.compress_many(texts, threads=n, level="max"), one)
        self.assertEqual(terse.compress_many([]), [])
        with self.assertRaises(terse.InvalidInput):
            terse.compress_many(texts, threads=0)

    def test_python_threads(self):
        texts = corpus()
        want = [terse.compress(t) for t in texts]
        got = {}
        errors = []

        def work(k):
            try:
                c = terse.Compressor()
                got[k] = [c.compress(t) for t in (texts[k:] + texts[:k])]
            except Exception as e:  # pragma: no cover - reported below
                errors.append(e)

        ts = [threading.Thread(target=work, args=(k,)) for k in range(4)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        self.assertEqual(errors, [])
        for k in range(4):
            self.assertEqual(got[k], want[k:] + want[:k])

    def test_shared_compressor(self):
        texts = corpus()[:30]
        c = terse.Compressor(level="safe")
        want = [c.compress(t) for t in texts]
        out = [None] * 3

        def work(k):
            out[k] = [c.compress(t).text for t in texts]

        ts = [threading.Thread(target=work, args=(k,)) for k in range(3)]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        for k in range(3):
            self.assertEqual(out[k], [w.text for w in want])


class TapResult(unittest.TextTestResult):
    """Writes each test as an "ok - " / "not ok - " line."""

    def _line(self, test, ok, note=""):
        self.stream.write("%s - python: %s%s\n" % ("ok" if ok else "not ok", test.id().split(".", 1)[1], note))
        self.stream.flush()

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False)

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False)

    def addSkip(self, test, reason):
        super().addSkip(test, reason)
        self.stream.write("# skipped %s: %s\n" % (test.id(), reason))


if __name__ == "__main__":
    if len(sys.argv) > 1:
        PROGRAM = sys.argv.pop(1)
    runner = unittest.TextTestRunner(stream=sys.stdout, resultclass=TapResult, verbosity=0)
    result = runner.run(unittest.defaultTestLoader.loadTestsFromModule(sys.modules[__name__]))
    sys.exit(0 if result.wasSuccessful() else 1)
