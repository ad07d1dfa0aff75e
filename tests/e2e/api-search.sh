#!/bin/bash
# tests/e2e/api-search.sh: search through the API over a real web server with
# curl, after a real OAuth sign-in: titles, overviews and transcripts, case
# and non-ASCII, misses, one user's text never found by another, and the
# search narrowed to the wearer's own words (speaker=user) and sort.
. "$(dirname "$0")/../lib.sh"

api_site

# Search: title, overview, transcript, case, non-ASCII, misses.
q() { api "$TOKEN_A" "/api/conversations?q=$1"; py '[c["id"] for c in d["conversations"]]'; }
check_eq "search title" "$(q renovation)" "['$ID_CUR']"
check_eq "search overview" "$(q cabinet)" "['$ID_CUR']"
check_eq "search transcript" "$(q EIGHTEEN%20thousand)" "['$ID_CUR']"
check_eq "search phrase" "$(q %22start%20with%20iOS%22)" "['$ID_LEG']"
check_eq "search non-ASCII, folded case" "$(q K%C3%9CCHE)" "['$ID_EDGE']"
check_eq "search transcript non-ASCII" "$(q guten%20morgen)" "['$ID_EDGE']"
check_eq "search miss" "$(q zebra)" "[]"
check_eq "search terms must all match" "$(q renovation%20zebra)" "[]"
api "$TOKEN_A" "/api/conversations?q=the"
check_eq "search total is null" "$(py 'd["total"]')" None
save list-search
# Bob's own text (bob-1, posted by api_site) is never found through
# alice's token, and vice versa.
check_eq "search does not see other users" "$(q pelican)" "[]"
api "$TOKEN_B" "/api/conversations?q=pelican"
check_eq "bob finds his own" "$(py '[c["id"] for c in d["conversations"]]')" "['bob-1']"
api "$TOKEN_B" "/api/conversations?q=renovation"
check_eq "bob does not find alice's" "$(py 'd["conversations"]')" "[]"

# speaker=user: the wearer's own words (segments marked is_user) only.
check_eq "speaker=user: the user's words" "$(q eighteen%20thousand\&speaker=user)" "['$ID_CUR']"
check_eq "speaker=user: not others' words" "$(q realistically\&speaker=user)" "[]"
check_eq "speaker=user: not the title" "$(q renovation\&speaker=user)" "[]"
check_eq "speaker=user: not the overview" "$(q cabinet\&speaker=user)" "[]"
check_eq "others' words without speaker" "$(q realistically)" "['$ID_CUR']"
check_eq "sort=relevance with q" "$(q eighteen\&sort=relevance)" "['$ID_CUR']"
api "$TOKEN_A" "/api/conversations?speaker=user"
check_eq "speaker without q: 400" "$STATUS" 400
check_eq "speaker without q: names it" "$(jget '["parameter"]')" speaker
api "$TOKEN_A" "/api/conversations?sort=relevance"
check_eq "sort=relevance without q: 400" "$STATUS" 400
api "$TOKEN_A" "/api/conversations?q=eighteen&speaker=others"
check_eq "speaker=others: 400" "$STATUS" 400
check_eq "speaker=others: invalid_parameter" "$(jget '["error"]')" invalid_parameter

api_site_done
