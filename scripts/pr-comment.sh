#!/usr/bin/env bash
# The action's sticky pull-request comment: one comment per pull request, found again by
# a hidden marker and edited in place on every run, holding privlint's markdown report
# (`--format markdown --changed-since BASE`: what the change introduces, with evidence
# and the policy's verdict).
#
#   pr-comment.sh body MARKDOWN        print the comment body
#   pr-comment.sh post MARKDOWN        create or update the comment (GitHub REST API via
#                                      `gh api`; env GH_TOKEN, GITHUB_REPOSITORY, PR_NUMBER)
#
# Without permission to comment (a fork's pull request: the token is read-only) the body
# goes to the job summary instead, with a notice; the step does not fail for that.
set -euo pipefail

marker='<!-- privlint:pr-comment -->'

usage() {
  echo "usage: pr-comment.sh body|post MARKDOWN" >&2
  exit 2
}
[ "$#" -eq 2 ] || usage
command="$1"
markdown="$2"
[ -f "$markdown" ] || { echo "pr-comment: no such file: $markdown" >&2; exit 2; }

body() {
  printf '%s\n' "$marker"
  cat "$markdown"
  printf '\n<sub>Updated by the privlint action on every push to this pull request.</sub>\n'
}

# GitHub's limit for a comment body is 65,536 characters; the report caps its tables well
# below it, so a longer body means something unexpected: keep the head and say so.
limit_body() {
  local file="$1"
  if [ "$(wc -c < "$file")" -gt 65000 ]; then
    head -c 64000 "$file" > "$file.cut"
    printf '\n\n… cut at 64,000 characters: the full report is in the job summary.\n' >> "$file.cut"
    mv "$file.cut" "$file"
  fi
}

fall_back_to_summary() {
  echo "::notice title=privlint::could not write the pull-request comment ($1); the privacy diff is in the job summary"
  if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then
    cat "$2" >> "$GITHUB_STEP_SUMMARY"
  else
    cat "$2"
  fi
}

post() {
  : "${GITHUB_REPOSITORY:?GITHUB_REPOSITORY is not set}"
  : "${PR_NUMBER:?PR_NUMBER is not set (not a pull_request event?)}"
  case "$PR_NUMBER" in *[!0-9]*) echo "pr-comment: bad PR_NUMBER '$PR_NUMBER'" >&2; exit 2 ;; esac
  local file existing
  file="$(mktemp)"
  # shellcheck disable=SC2064 # expand now
  trap "rm -f '$file' '$file.cut'" EXIT
  body > "$file"
  limit_body "$file"

  if ! existing="$(gh api --paginate "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
    --jq ".[] | select(.body | startswith(\"$marker\")) | .id" 2>&1)"; then
    fall_back_to_summary "listing comments failed: ${existing//$'\n'/ }" "$file"
    return 0
  fi
  existing="$(printf '%s\n' "$existing" | head -n 1)"
  local result
  if [ -n "$existing" ]; then
    if result="$(gh api --method PATCH "repos/$GITHUB_REPOSITORY/issues/comments/$existing" \
      -F "body=@$file" --jq .html_url 2>&1)"; then
      echo "privlint: updated the pull-request comment $result"
      return 0
    fi
  elif result="$(gh api --method POST "repos/$GITHUB_REPOSITORY/issues/$PR_NUMBER/comments" \
    -F "body=@$file" --jq .html_url 2>&1)"; then
    echo "privlint: commented on the pull request: $result"
    return 0
  fi
  fall_back_to_summary "${result//$'\n'/ }" "$file"
}

case "$command" in
  body) body ;;
  post) post ;;
  *) usage ;;
esac
