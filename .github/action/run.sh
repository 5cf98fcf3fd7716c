#!/usr/bin/env bash
# The action's run step: grantlint once, with every report the job needs.
#   - annotations (--format github) go to the log, where GitHub turns them into annotations;
#   - the Markdown report (--output markdown=...) is appended to $GITHUB_STEP_SUMMARY;
#   - the SARIF report (--output sarif=INPUT_SARIF) is written when asked, for upload-sarif;
#   - the step exits with grantlint's exit code (0 pass, 1 failing findings, 2 input error,
#     3 live failure), also given as the output exit-code.
# Inputs come from the environment (INPUT_ARGS, INPUT_CONFIG, INPUT_SARIF, GRANTLINT_BIN),
# never from the script's text. INPUT_ARGS is split into words as a shell would split them,
# with '...', "..." and \ quoting, but nothing in it is expanded or run ($VAR, $(...), `...`,
# globs stay literal): xargs does the splitting, and the words go to grantlint as an array.
set -uo pipefail

error() { echo "::error title=grantlint action::$1"; printf 'exit-code=%s\n' "$2" >>"${GITHUB_OUTPUT:-/dev/null}"; exit "$2"; }
# One line per output: a value with a line break could forge another output.
output() {
    case "$2" in *$'\n'* | *$'\r'*) echo "::error title=grantlint action::the $1 output holds a line break"; exit 2 ;; esac
    printf '%s=%s\n' "$1" "$2" >>"${GITHUB_OUTPUT:-/dev/null}"
}

bin=${GRANTLINT_BIN:-grantlint}
work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/grantlint-run.XXXXXX") || error "cannot create a temporary directory" 2

args=()
raw=${INPUT_ARGS:-}
if [ -n "${raw//[[:space:]]/}" ]; then
    printf '%s' "$raw" | xargs printf '%s\0' >"$work/args" 2>"$work/args.err" ||
        error "cannot split the args input into words: $(tr '\n' ' ' <"$work/args.err")" 2
    while IFS= read -r -d '' word; do args+=("$word"); done <"$work/args"
else
    args=(audit)
fi
case "${args[0]}" in
    audit | check) ;;
    *) error "args must start with audit or check (the commands that write reports), not ${args[0]}" 2 ;;
esac
for word in "${args[@]}"; do
    case "$word" in
        --format | --format=*) error "args must not set --format: the action writes annotations (github) to the log; add --output FORMAT=PATH for other reports" 2 ;;
    esac
done

if [ -n "${INPUT_CONFIG:-}" ]; then
    # The config reaches audit as GRANTLINT_CONFIG: a missing file is an error there, never a
    # silent fallback, and a --config in args still wins.
    export GRANTLINT_CONFIG="$INPUT_CONFIG"
fi

case "${INPUT_SARIF:-}" in *$'\n'* | *$'\r'*) error "the sarif input holds a line break" 2 ;; esac
markdown="$work/report.md"
outputs=(--output "markdown=$markdown")
if [ -n "${INPUT_SARIF:-}" ]; then
    outputs+=(--output "sarif=$INPUT_SARIF")
fi

"$bin" "${args[@]}" --format github "${outputs[@]}"
code=$?

summary=${GITHUB_STEP_SUMMARY:-/dev/null}
# A job summary holds at most 1 MiB per step; past that GitHub drops all of it. A larger
# report is cut at a line end below the limit, and says where the whole one is.
limit=1000000
if [ -s "$markdown" ]; then
    if [ "$(wc -c <"$markdown")" -le "$limit" ]; then
        cat "$markdown" >>"$summary"
    else
        head -c "$((limit - 2000))" "$markdown" | sed '$d' >>"$summary"
        # shellcheck disable=SC2016 # the backquotes are Markdown
        printf '\n\n**The report is cut here**: a job summary holds at most 1 MiB. The whole report is the file named by the `markdown` output of this step; upload it as an artifact, or add `--output html=PATH`.\n' >>"$summary"
        echo "::warning title=grantlint action::the Markdown report is larger than a job summary holds (1 MiB): the summary shows its beginning"
    fi
    output markdown "$markdown"
else
    case "$code" in
        2) why="a usage or input error" ;;
        3) why="a live API, authentication or network failure" ;;
        *) why="no report" ;;
    esac
    printf '## grantlint\n\ngrantlint exited with code %s (%s) before writing a report; its message is in the log of this step.\n' "$code" "$why" >>"$summary"
fi
if [ -n "${INPUT_SARIF:-}" ] && [ -s "$INPUT_SARIF" ]; then
    output sarif "$INPUT_SARIF"
fi
output exit-code "$code"
exit "$code"
