#!/bin/bash
# man/omi-admin.8: mandoc finds nothing to warn about, and the page documents
# exactly the commands that `omi-admin --help` lists ("user add" and the other
# two-word commands count as their own entries).
. "$(dirname "$0")/../lib.sh"

page=$TOP/man/omi-admin.8

# 1. mandoc -Tlint at warning level prints nothing and succeeds. Without
# mandoc this is a failure: scripts/deps.sh --test installs it.
if command -v mandoc >/dev/null; then
	lint=$(mandoc -Tlint -Wwarning "$page" 2>&1)
	check "mandoc -Tlint -Wwarning exits 0" [ $? -eq 0 ]
	check_eq "mandoc -Tlint -Wwarning output" "$lint" ""
else
	t_fail "mandoc missing (apt-get install mandoc, or scripts/deps.sh --test)"
fi

# 2. The commands of `omi-admin --help`: the lines after "Commands:", each a
# name of one or two words and its help text. Whether the second word belongs
# to the name is asked of omi-admin itself: `omi-admin W1 W2 --help` prints
# "usage: omi-admin W1 W2 ..." only for a two-word command (a one-word one
# prints its own usage line), so the help text's layout does not matter.
if [ ! -x "$ADMIN" ]; then
	t_fail "no $ADMIN (make omi-admin)"
	t_done
	exit 1
fi
help_cmds() {
	local w1 w2 rest
	"$ADMIN" --help | sed -n '/^Commands:/,$p' | sed -n 's/^  *//p' |
	while read -r w1 w2 rest; do
		if "$ADMIN" "$w1" "$w2" --help 2>/dev/null | head -1 |
		    grep -qF "usage: omi-admin $w1 $w2 "; then
			echo "$w1 $w2"
		else
			echo "$w1"
		fi
	done
}
# The page's commands: the .It lines at the first level of the list that
# follows "The commands are as follows:", each ".It Cm NAME ..." with NAME
# the words before the next macro (Ar, Op, Fl, ...).
man_cmds() {
	awk '
	/^The commands are as follows:/ { on = 1; next }
	!on { next }
	/^\.Bl/ { depth++; next }
	/^\.El/ { if (--depth == 0) exit; next }
	depth == 1 && $1 == ".It" && $2 == "Cm" {
		name = ""
		for (i = 3; i <= NF && $i !~ /^[A-Z][a-z]+$/; i++)
			name = name (name == "" ? "" : " ") $i
		print name
	}' "$page"
}
help_list=$(help_cmds | sort)
man_list=$(man_cmds | sort)
check "omi-admin --help lists commands" [ "$(printf '%s\n' "$help_list" | grep -c .)" -ge 10 ]
check "the page lists commands" [ "$(printf '%s\n' "$man_list" | grep -c .)" -ge 10 ]
check_eq "commands documented twice" "$(printf '%s\n' "$man_list" | uniq -d)" ""
undocumented=$(comm -23 <(printf '%s\n' "$help_list") <(printf '%s\n' "$man_list") | paste -sd, -)
unknown=$(comm -13 <(printf '%s\n' "$help_list") <(printf '%s\n' "$man_list") | paste -sd, -)
check_eq "commands of omi-admin --help missing from man/omi-admin.8" "$undocumented" ""
check_eq "commands in man/omi-admin.8 that omi-admin --help does not list" "$unknown" ""
t_done
