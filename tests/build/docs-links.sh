#!/bin/bash
# README.md and docs/*.md: every relative link names a file of the repository,
# every #anchor names a heading of its target (GitHub's slugs: lower case,
# punctuation dropped, spaces to hyphens, "-1", "-2" for repeats), and nothing
# points outside the repository (no absolute paths, no ../ past its top).
# Links to other sites (https:, mailto:) are not followed. Headings are
# expected in ASCII: the slug keeps only a-z, 0-9, "_" and "-".
. "$(dirname "$0")/../lib.sh"

cd "$TOP" || exit 1
docs=(README.md docs/*.md)

# The links of a Markdown file, one "target" per line: fenced code blocks
# and `code spans` are skipped, so JSON and shell examples do not count.
links() {
	awk '
	/^[ \t]*```/ { fence = !fence; next }
	fence { next }
	{
		line = $0
		gsub(/`[^`]*`/, "", line)
		while (match(line, /\]\([^)]*\)/)) {
			print substr(line, RSTART + 2, RLENGTH - 3)
			line = substr(line, RSTART + RLENGTH)
		}
	}' "$1"
}

# The anchors of a Markdown file's headings, as GitHub makes them.
anchors() {
	LC_ALL=C awk '
	/^[ \t]*```/ { fence = !fence; next }
	fence || !/^#+ / { next }
	{
		s = tolower($0)
		sub(/^#+ +/, "", s)
		gsub(/[^a-z0-9 _-]/, "", s)
		gsub(/ /, "-", s)
		if (s in seen) { n = ++seen[s]; print s "-" n } else { seen[s] = 0; print s }
	}' "$1"
}

n=0
for f in "${docs[@]}"; do
	check "$f exists" [ -f "$f" ]
	dir=$(dirname "$f")
	while IFS= read -r target; do
		n=$((n + 1))
		case $target in
		http://* | https://* | mailto:*) t_ok; continue ;;
		/* | "") t_fail "$f: link '$target' is absolute or empty"; continue ;;
		esac
		path=${target%%#*}
		anchor=
		[ "$path" != "$target" ] && anchor=${target#*#}
		if [ -z "$path" ]; then file=$f; else file=$dir/$path; fi
		real=$(realpath -m "$file")
		case $real in
		"$TOP"/*) ;;
		*) t_fail "$f: link '$target' leaves the repository"; continue ;;
		esac
		if [ ! -e "$file" ]; then
			t_fail "$f: link '$target': no such file"
			continue
		fi
		if [ -n "$anchor" ]; then
			if anchors "$file" | grep -qxF -- "$anchor"; then t_ok; else
				t_fail "$f: link '$target': no heading #$anchor in $file"
			fi
		else
			t_ok
		fi
	done < <(links "$f")
done
check "README.md and docs/ hold links ($n)" [ "$n" -ge 10 ]

# Nothing names a place outside the repository: the shared notes of the
# project's authors, or absolute paths of their machines.
outside=$(grep -nE '(\.\./)+shared/|(^|[^a-z])shared/notes|/work/' "${docs[@]}")
check_eq "README.md and docs/ name places outside the repository" "$outside" ""

# README.md stays a five-minute read.
size=$(wc -c < README.md)
check "README.md is under 10 KB ($size bytes)" [ "$size" -lt 10240 ]
t_done
