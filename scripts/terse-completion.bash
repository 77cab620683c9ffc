# bash completion for terse (installed by `make install` as
# $(PREFIX)/share/bash-completion/completions/terse).
# Commands, each command's options, the values of --level, --type,
# --tokenizer and --lang, and file names elsewhere.

_terse() {
    local cur prev cmd words
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD-1]}
    cmd=${COMP_WORDS[1]}
    if [ "$COMP_CWORD" -eq 1 ]; then
        COMPREPLY=($(compgen -W "compress count tokenize detokenize decode tokenizers train eval proxy --help --version" -- "$cur"))
        return
    fi
    case $prev in
        --level) COMPREPLY=($(compgen -W "exact safe balanced max" -- "$cur")); return ;;
        --type)
            if [ "$cmd" = decode ]; then words="auto json log"
            else words="auto prose code json log memory chat tool"; fi
            COMPREPLY=($(compgen -W "$words" -- "$cur")); return ;;
        --tokenizer)
            words="o200k cl100k gemma3 claude"
            [ "$cmd" = count ] && words="$words all"
            COMPREPLY=($(compgen -W "$words" -- "$cur")); return ;;
        --model) COMPREPLY=($(compgen -W "gpt-4o gpt-4.1 gpt-5 o3 gpt-4 gpt-3.5-turbo gemini-2.5-pro gemini-2.5-flash claude-sonnet-4 claude-opus-4" -- "$cur")); return ;;
        --lang) COMPREPLY=($(compgen -W "python javascript typescript tsx c cpp go rust java json bash" -- "$cur")); return ;;
        -o) COMPREPLY=($(compgen -d -- "$cur")); return ;;
        --config|--word-model|--valid) COMPREPLY=($(compgen -f -- "$cur")); return ;;
        --query|--budget|--keep-recent|--suffix|-T|--listen|--openai-url|--anthropic-url|--gemini-url) return ;;
    esac
    case $cmd in
        compress) words="--level --type --lang --query --budget --tokenizer --model --stats --json --keep-recent --compress-system --word-model --backend --backend-model --backend-prompt --backend-jobs --backend-timeout --backend-retries --backend-chunk --backend-no-cache -o --suffix -r --jsonl -T --help" ;;
        count) words="--tokenizer --model --special --json --exact --help" ;;
        tokenize) words="--tokenizer --model --special --help" ;;
        detokenize) words="--tokenizer --model --help" ;;
        decode) words="--type --help" ;;
        train) words="-o --valid --threshold --bits --epochs --min-aligned --code --help" ;;
        proxy) words="--listen --openai-url --anthropic-url --gemini-url --config --log --help" ;;
        *) words="" ;;
    esac
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
    else
        COMPREPLY=($(compgen -f -- "$cur"))
    fi
}
complete -o filenames -F _terse terse
