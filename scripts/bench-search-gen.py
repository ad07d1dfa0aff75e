#!/usr/bin/env python3
"""bench-search-gen.py N OUT_JSONL STATS_JSON [EXTRA EXTRA_DIR]: the search
benchmark's conversations (scripts/bench-search.sh), one user's N
conversations as JSON lines, oldest first, shaped like OMI's deliveries
(tests/fixtures/omi-current.json: title, overview, action items, events,
12 to 25 transcript segments with ids, speakers, is_user, times), about
3 KB of compact JSON each. Seed 42: the same N gives the same bytes.

The words follow real text's statistics, so that a word index's vocabulary
grows the way it would (Heaps' law) and a trigram index sees real-looking
trigrams: ranks drawn from a Zipf law (s = 1.05) over a 30,000-word
vocabulary, the top ranks ordinary English function words, the rest built
from syllables (shorter at higher ranks), one in 20 of them non-ASCII
(accented Latin, some German, Greek and Cyrillic), plus people's names and
numbers. Planted for the queries (and checked here, after case folding, as
the server matches: a substring of a title, overview or segment text):
  rare    "zephyrquill": exactly once, in a transcript segment of the 4th
          oldest conversation (never in a title or overview);
  nohit   "helicopter": nowhere;
  common  "project": a frequent word, in most conversations;
  phrase  "kitchen budget": two words that are each common, adjacent in
          about 3% of the conversations.
STATS_JSON gets the counts (conversations each query matches, transcript
bytes: the sum of the segments' text bytes in UTF-8, the JSON bytes, the
distinct words seen). With EXTRA, also writes EXTRA newer conversations
(the webhook runs' bodies), one file each in EXTRA_DIR."""
import datetime, json, random, sys, uuid

N = int(sys.argv[1])
out_path, stats_path = sys.argv[2], sys.argv[3]
extra = int(sys.argv[4]) if len(sys.argv) > 4 else 0
extra_dir = sys.argv[5] if len(sys.argv) > 5 else None
rng = random.Random(42)

RARE, NOHIT, COMMON, PHRASE = "zephyrquill", "helicopter", "project", ("kitchen", "budget")
RARE_AT = 3			# the 4th oldest conversation
PHRASE_SHARE = 0.03
VOCAB = 30000

FUNCTION = ("the and to i you a it that of in is we so for this was on have just "
            "like but what be with they it's not do are can know my me yeah if "
            "at think one there about all get he go going oh okay be out up "
            "right now then would was no your he's really because she them "
            "or an well some when see how mean time want need did said more "
            "could yes got from good make thing will our which way maybe here "
            "actually were also back still take been us need through very sure "
            "again tomorrow week next let's something much those thing over "
            "people say come work day").split()
CONTENT = ("meeting call plan email doctor school weekend dinner "
           "team client report design review launch family coffee train morning "
           "deadline invoice friend music workout recipe holiday weather "
           "garden market contract office house car money phone order list "
           "birthday flight hotel ticket price paper idea problem question").split()
NONASCII = ("café naïve Straße Zürich Küche Müller über résumé crème brûlée façade "
            "jalapeño smörgåsbord fiancée Dîner São Kraków Łódź Ångström Øresund "
            "déjà piñata Málaga Göteborg Bräuhaus Fußball Mädchen Grüße señor "
            "coöperate rôle élan protégé soirée Αθήνα λόγος Москва встреча "
            "İstanbul Ærø Čeština Dvořák").split()
NAMES = ("Alex Marco Priya Chen Fatima Lukas Sofia Omar Emma Noah Olivia Liam "
         "Mia Ethan Ava Lucas Amelia Mateo Yuki Hiroshi Aisha Kwame Ingrid Sven "
         "Zoë Chloé José Renée Björn Søren Anaïs Jürgen Dmitri Elena Ravi Ananya "
         "Carlos Lucía Tomás Nadia Pierre Camille Hannah Jonas Leila Samir Grace "
         "Daniel Sarah Michael Laura David Anna James Maria Thomas Julia").split()
ONSETS = ("b c d f g h j k l m n p r s t v w z br cr dr fr gr pl pr st tr ch "
          "sh th bl cl fl gl sl sm sp sk").split() + [""] * 4
VOWELS = "a e i o u a e i o ai ea ou io ie".split()
CODAS = [""] * 14 + "n r s l t m nd st ng rk ll ss".split()
ACCENT = {"a": "àáâäå", "e": "éèêë", "i": "îï", "o": "öôóø", "u": "üûú"}
CATS = ["personal", "work", "business", "education", "health", "finance",
        "travel", "social", "other"]
EMOJI = "\U0001F4AC \U0001F528 \U0001F3E0 \U0001F4BC \U0001F37D \U00002708 \U0001F3B5 \U0001F4DA".split()


def syllables(n):
    return "".join(rng.choice(ONSETS) + rng.choice(VOWELS) + rng.choice(CODAS)
                   for _ in range(n))


def build_vocab():
    words, seen = [], set()

    def add(w):
        if w and w not in seen:
            seen.add(w)
            words.append(w)
    for w in FUNCTION:
        add(w)
    nonascii = iter(NONASCII)
    # The content words at fixed ranks: "project" frequent enough to be in
    # most conversations, "kitchen" and "budget" in a fair share each.
    fixed = {12: COMMON, 160: PHRASE[0], 220: PHRASE[1]}
    for w in fixed.values():
        seen.add(w)
    content = iter(CONTENT)
    while len(words) < VOCAB - len(fixed):
        r = len(words)
        if r % 20 == 7:	# one rank in 20 non-ASCII
            w = next(nonascii, None)
            if w is None:
                w = syllables(1 + min(2, r // 5000 + rng.randrange(2)))
                i = [k for k, c in enumerate(w) if c in ACCENT]
                if i:
                    k = rng.choice(i)
                    w = w[:k] + rng.choice(ACCENT[w[k]]) + w[k + 1:]
                else:
                    w += "ß"
            add(w)
        elif r < 400 and r % 5 == 0:
            add(next(content, None) or syllables(2))
        else:
            # Zipf's law of abbreviation: rarer words are longer.
            add(syllables(1 + min(2, r // 5000 + rng.randrange(2))))
    for r in sorted(fixed):
        words.insert(r, fixed[r])
    return words


vocab = build_vocab()
cum, acc = [], 0.0
for r in range(len(vocab)):
    acc += 1.0 / (r + 1) ** 1.05
    cum.append(acc)
content_from = len(FUNCTION)
ccum = [c - cum[content_from - 1] for c in cum[content_from:]]
cvocab = vocab[content_from:]
name_cum, acc = [], 0.0
for r in range(len(NAMES)):
    acc += 1.0 / (r + 1)
    name_cum.append(acc)


def number():
    k = rng.randrange(6)
    if k == 0:
        return "{:,}".format(rng.randrange(1000, 100000))
    if k == 1:
        return "%d:%02d" % (rng.randrange(1, 13), rng.choice((0, 15, 30, 45)))
    if k == 2:
        return str(rng.randrange(1990, 2031))
    if k == 3:
        return "%d.%d" % (rng.randrange(100), rng.randrange(10))
    return str(rng.randrange(2, 100))


def sentence(nwords, pool=None, cw=None):
    ws = rng.choices(pool or vocab, cum_weights=cw or cum, k=nwords)
    for i in range(len(ws)):
        x = rng.random()
        if x < 0.03:
            ws[i] = rng.choices(NAMES, cum_weights=name_cum)[0]
        elif x < 0.05:
            ws[i] = number()
        elif x < 0.053:
            # Beyond the vocabulary, as in real text (typos, rare names):
            # the vocabulary keeps growing with the text (Heaps' law).
            ws[i] = syllables(3)
        elif x < 0.09 and i + 1 < len(ws):
            ws[i] += ","
    s = " ".join(ws)
    return s[:1].upper() + s[1:] + rng.choice("....?!")


def uid():
    return str(uuid.UUID(int=rng.getrandbits(128), version=4))


T0 = datetime.datetime(2019, 3, 1, 8, 0, tzinfo=datetime.timezone.utc)


def iso(t):
    return t.isoformat(timespec="microseconds")


def conversation(k, plant_rare=False):
    # A heavy user: about 40 conversations a day, 36 minutes apart.
    start = T0 + datetime.timedelta(minutes=36 * k + rng.randrange(20))
    nseg = rng.randint(12, 25)
    nspk = rng.randint(2, 4)
    segs, t = [], 0.0
    for s in range(nseg):
        spk = rng.randrange(nspk) if s else 0
        text = sentence(rng.randint(3, 12))
        if rng.random() < 0.25:
            text += " " + sentence(rng.randint(3, 8))
        dur = 0.35 * len(text.split()) + rng.random()
        # The lean segment (text, speaker, speaker_id, is_user, start,
        # end) of omi-legacy.json: with the current shape's ids, person_id,
        # translations and speaker_name, 18 segments would be 6 KB.
        segs.append({"text": text, "speaker": "SPEAKER_%02d" % spk,
                     "speaker_id": spk, "is_user": spk == 0,
                     "start": round(t, 2), "end": round(t + dur, 2)})
        t += dur + rng.random()
    if rng.random() < PHRASE_SHARE:
        seg = segs[rng.randrange(nseg)]
        seg["text"] = seg["text"][:-1] + ", the %s %s %s" % (
            PHRASE[0], PHRASE[1], sentence(rng.randint(2, 5)).lower())
    if plant_rare:
        seg = segs[nseg // 2]
        seg["text"] = seg["text"][:-1] + ", like the %s we saw." % RARE
    cid = uid()
    end = start + datetime.timedelta(seconds=t)
    made = end + datetime.timedelta(seconds=rng.randint(5, 90))
    title = " ".join(rng.choices(cvocab, cum_weights=ccum, k=rng.randint(3, 6))).title()
    actions = [{"description": sentence(rng.randint(5, 10), cvocab, ccum)[:-1],
                "completed": rng.random() < 0.2, "created_at": iso(made),
                "updated_at": None,
                "due_at": iso(made + datetime.timedelta(days=rng.randint(1, 14))),
                "completed_at": None, "conversation_id": cid}
               for _ in range(rng.randint(0, 2))]
    events = [{"title": sentence(rng.randint(3, 5), cvocab, ccum)[:-1],
               "description": sentence(rng.randint(5, 9), cvocab, ccum),
               "start": iso(made + datetime.timedelta(days=rng.randint(1, 20))),
               "duration": rng.choice((30, 60, 90)), "created": False}
              for _ in range(1 if rng.random() < 0.2 else 0)]
    return {"id": cid, "created_at": iso(made), "updated_at": iso(made),
            "started_at": iso(start), "finished_at": iso(end), "source": "omi",
            "language": "en",
            "structured": {"title": title,
                           "overview": sentence(rng.randint(18, 40)),
                           "emoji": rng.choice(EMOJI), "category": rng.choice(CATS),
                           "sections": [], "action_items": actions, "events": events},
            "transcript_segments": segs, "transcript_segments_compressed": False,
            "apps_results": [],
            "discarded": not plant_rare and rng.random() < 0.03,
            "visibility": "private", "starred": False, "status": "completed",
            "client_platform": "ios"}


def texts(c):
    st = c["structured"]
    return [st["title"], st["overview"]] + [s["text"] for s in c["transcript_segments"]]


stats = {"conversations": N, "transcript_bytes": 0, "json_bytes": 0,
         "match": {"rare": 0, "nohit": 0, "common": 0, "phrase": 0},
         "rare_in_transcript_only": False, "discarded": 0, "distinct_words": {}}
needles = {"rare": RARE, "nohit": NOHIT, "common": COMMON, "phrase": " ".join(PHRASE)}
seen = set()
with open(out_path, "w", encoding="utf-8") as out:
    for k in range(N):
        c = conversation(k, k == RARE_AT)
        line = json.dumps(c, ensure_ascii=False, separators=(",", ":"))
        out.write(line + "\n")
        stats["json_bytes"] += len(line.encode())
        stats["transcript_bytes"] += sum(len(s["text"].encode()) for s in c["transcript_segments"])
        stats["discarded"] += c["discarded"]
        folded = [t.casefold() for t in texts(c)]
        # As the server matches: within one field (the phrase's two words
        # adjacent), discarded conversations left out as by default.
        for name, w in needles.items():
            if not c["discarded"] and any(w in t for t in folded):
                stats["match"][name] += 1
        if any(RARE in t for t in folded):
            stats["rare_in_transcript_only"] = (k == RARE_AT and not any(
                RARE in t for t in folded[:2]))
        for t in folded:
            seen.update(t.replace(",", " ").replace(".", " ").replace("?", " ")
                        .replace("!", " ").split())
        if k + 1 in (1000, 10000, 100000) or k + 1 == N:
            stats["distinct_words"][str(k + 1)] = len(seen)
assert stats["match"]["rare"] == 1 and stats["rare_in_transcript_only"], "rare word planted wrong"
assert stats["match"]["nohit"] == 0, "the no-hit word occurs"
if extra:
    for i in range(extra):
        c = conversation(N + i)
        with open("%s/%04d.json" % (extra_dir, i), "w", encoding="utf-8") as f:
            f.write(json.dumps(c, ensure_ascii=False))
stats["queries"] = needles
with open(stats_path, "w") as f:
    json.dump(stats, f, indent=1, ensure_ascii=False)
