#!/bin/bash
# The layers of src/ (src/README): a file includes headers of its own folder
# and of the layers below it, never of a layer above it nor of a peer on its
# own level, so no call goes upward and there is no cycle between folders.
# Every folder of src/ must have a rank here and a README, and src/ itself
# holds only the programs' main files.
. "$(dirname "$0")/../lib.sh"

src=${OMI_SRC:-$TOP/src}
# Lowest first. Folders of equal rank are peers: neither includes the other.
declare -A rank=([lib]=0 [http]=1 [store]=1 [conv]=2 [auth]=2 [api]=3
    [mcp]=3 [web]=3 [admin]=4)
PROGRAM_RANK=5

for d in "$src"/*/; do
	d=${d%/}; d=${d##*/}
	check "src/$d/ has a rank in tests/build/layers.sh" [ -n "${rank[$d]}" ]
	check "src/$d/README exists" [ -s "$src/$d/README" ]
done
for f in "$src"/*.[ch]; do
	case ${f##*/} in
	webhook.c|authorize.c|token.c|conversations.c|mcp.c|view.c|omi-admin.c) ;;
	*) t_fail "src/${f##*/}: only the programs' main files belong in src/" ;;
	esac
done

bad=0
for f in "$src"/*.[ch] "$src"/*/*.[ch]; do
	rel=${f#"$src"/}
	case $rel in
	*/*) from=${rel%%/*}; r=${rank[$from]} ;;
	*) from=program; r=$PROGRAM_RANK ;;
	esac
	[ -n "$r" ] || continue
	while IFS= read -r inc; do
		case $inc in
		*/*) to=${inc%%/*} ;;
		*) t_fail "$rel includes \"$inc\": name the folder (\"layer/file.h\")"
		   bad=1; continue ;;
		esac
		[ "$to" = "$from" ] && continue
		t=${rank[$to]}
		if [ -z "$t" ]; then
			t_fail "$rel includes \"$inc\": no such layer"; bad=1
		elif [ "$t" -ge "$r" ]; then
			t_fail "$rel ($from) includes \"$inc\" ($to): an upward or sideways call"
			bad=1
		fi
	done < <(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$f")
done
check "no include goes upward or sideways" [ "$bad" = 0 ]
t_done
