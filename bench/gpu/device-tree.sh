#!/usr/bin/env bash
# The device tool sends the working tree (tracked files + untracked, unignored ones) and what
# `carry` names, 64 MiB in all. The tracked tree is ~56 MiB, most of it the two bundled models and
# bench/results, which the GPU runs do not need. `slim` takes those out of the index (the files
# stay on disk, ignored through .git/info/exclude); `restore` puts them back. Never commit while
# slim: the commit would delete them.
#   bash bench/gpu/device-tree.sh slim|restore|size
set -euo pipefail
cd "$(dirname "$0")/../.."
paths=(models bench/results)
exclude=.git/info/exclude
case "${1:-}" in
  slim)
    git rm -r --cached -q "${paths[@]}"
    for p in "${paths[@]}"; do grep -qx "/$p/" "$exclude" 2>/dev/null || echo "/$p/" >> "$exclude"; done
    ;;
  restore)
    git reset -q -- "${paths[@]}"
    for p in "${paths[@]}"; do sed -i "\#^/$p/\$#d" "$exclude"; done
    ;;
  size) ;;
  *) echo "usage: $0 slim|restore|size" >&2; exit 2 ;;
esac
# What the next device call would send, before `carry`.
(git ls-files -z; git ls-files -z -o --exclude-standard) | xargs -0 stat -c '%s' 2>/dev/null |
  awk '{s += $1} END {printf "working tree that travels: %.1f MiB\n", s / 1048576}'
