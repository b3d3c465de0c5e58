"""Offline English text for synthetic training data.

Every transcript is lowercase letters, apostrophes and single spaces: the CTC vocabulary has
no digits or punctuation, so numbers, dates and times are spelled out as words, and the same
string is given to the TTS engine, so what is spoken is exactly the transcript.
"""
import glob
import os
import random
import re

ONES = ("zero one two three four five six seven eight nine ten eleven twelve thirteen "
        "fourteen fifteen sixteen seventeen eighteen nineteen").split()
TENS = "_ _ twenty thirty forty fifty sixty seventy eighty ninety".split()
ORD = {"one": "first", "two": "second", "three": "third", "five": "fifth", "eight": "eighth",
       "nine": "ninth", "twelve": "twelfth"}
DIGITS = ONES[:10]
MONTHS = ("january february march april may june july august september october november "
          "december").split()
DAYS = "monday tuesday wednesday thursday friday saturday sunday".split()
NAMES = ("james mary robert patricia john jennifer michael linda david elizabeth william "
         "barbara richard susan joseph jessica thomas sarah charles karen daniel lisa matthew "
         "nancy anthony betty mark sandra paul ashley steven emily andrew donna kevin michelle "
         "brian carol george amanda edward melissa ronald deborah timothy laura jason rebecca "
         "jeffrey sharon ryan cynthia jacob kathleen gary amy nicholas angela eric anna "
         "jonathan ruth stephen brenda larry pamela justin nicole scott emma brandon helen "
         "frank samantha benjamin katherine gregory christine samuel debra raymond rachel "
         "patrick carolyn alexander janet jack maria dennis heather jerry diane tyler olivia "
         "aaron julie jose joyce henry victoria adam kelly douglas christina nathan lauren "
         "peter joan zachary evelyn kyle judith walter megan harold cheryl carl andrea").split()
SURNAMES = ("smith johnson williams brown jones garcia miller davis rodriguez martinez "
            "hernandez lopez gonzalez wilson anderson thomas taylor moore jackson martin lee "
            "perez thompson white harris sanchez clark ramirez lewis robinson walker young "
            "allen king wright scott torres nguyen hill flores green adams nelson baker hall "
            "rivera campbell mitchell carter roberts").split()
CITIES = ("london paris boston chicago seattle denver austin dallas houston phoenix atlanta "
          "miami portland toronto dublin berlin madrid rome tokyo sydney").split()
THINGS = ("report invoice budget proposal contract schedule agenda presentation letter "
          "package order ticket meeting appointment reservation payment document").split()


def num_words(n):
    """Cardinal number in words, 0 <= n < 1e9 (no 'and', American style)."""
    if n < 20:
        return ONES[n]
    if n < 100:
        return TENS[n // 10] + ("" if n % 10 == 0 else " " + ONES[n % 10])
    if n < 1000:
        return ONES[n // 100] + " hundred" + ("" if n % 100 == 0 else " " + num_words(n % 100))
    for div, name in ((10 ** 6, "million"), (1000, "thousand")):
        if n >= div:
            rest = n % div
            return num_words(n // div) + " " + name + ("" if rest == 0 else " " + num_words(rest))
    raise ValueError(n)


def ordinal_words(n):
    w = num_words(n).split()
    last = w[-1]
    if last in ORD:
        w[-1] = ORD[last]
    elif last.endswith("y"):
        w[-1] = last[:-1] + "ieth"
    else:
        w[-1] = last + "th"
    return " ".join(w)


def year_words(y):
    if y % 1000 < 10 and y >= 2000:
        return num_words(y)
    hi, lo = divmod(y, 100)
    return num_words(hi) + " " + ("hundred" if lo == 0 else
                                  ("oh " + ONES[lo] if lo < 10 else num_words(lo)))


def time_words(r):
    h, m = r.randint(1, 12), r.choice([0, 0, 5, 10, 15, 20, 30, 45, r.randint(1, 59)])
    if m == 0:
        return num_words(h) + r.choice([" o'clock", ""])
    return num_words(h) + " " + ("oh " + ONES[m] if m < 10 else num_words(m))


def normalize(text):
    """Lowercase; numbers to words; keep letters, apostrophes, spaces. None if unusable."""
    t = text.lower().replace("&", " and ").replace("%", " percent ")
    t = re.sub(r"[\u2018\u2019`]", "'", t)
    t = re.sub(r"\d+", lambda m: " " + num_words(int(m.group())) + " "
               if len(m.group()) < 7 else " ", t)
    t = re.sub(r"[-/]", " ", t)
    if re.search(r"[^a-z' .,;:!?\"()\s]", t):
        return None  # symbols we cannot say reliably (code, ascii art, urls)
    t = re.sub(r"[^a-z' ]", " ", t)
    t = re.sub(r"(^|\s)'+|'+(\s|$)", " ", t)  # quotes, not apostrophes
    t = re.sub(r"\s+", " ", t).strip()
    return t or None


# Debian's fortunes and wamerican; synth.py --text-root points both under another root (the
# copies that training/gpu/prepare.sh packs for a machine without them).
FORTUNES_DIR = "/usr/share/games/fortunes"
DICT_FILE = "/usr/share/dict/american-english"
WORDNET_DIR = "/usr/share/wordnet"  # Debian's wordnet-base


def set_text_root(root):
    global FORTUNES_DIR, DICT_FILE, WORDNET_DIR
    FORTUNES_DIR = os.path.join(root, "usr/share/games/fortunes")
    DICT_FILE = os.path.join(root, "usr/share/dict/american-english")
    WORDNET_DIR = os.path.join(root, "usr/share/wordnet")


def _wordnet_glosses():
    """Each entry's gloss (the text after '|') in Debian's wordnet-base data files."""
    for pos in ("noun", "verb", "adj", "adv"):
        with open(os.path.join(WORDNET_DIR, "data." + pos), encoding="latin-1") as f:
            for line in f:
                if not line.startswith("  ") and "|" in line:  # not the licence header
                    yield line.split("|", 1)[1]


def wordnet_sentences():
    """The example sentences of WordNet's glosses (42,664 usable, 3-22 words): everyday English
    with 2x the fortunes' vocabulary, so that the model meets more words than it can memorize."""
    out = set()
    for gloss in _wordnet_glosses():
        for quote in re.findall(r'"([^"]+)"', gloss):
            n = normalize(quote)
            if n and 3 <= len(n.split()) <= 22:
                out.add(n)
    return sorted(out)


def wordnet_definitions():
    """The definitions in WordNet's glosses, one per ';'-separated clause, without the quoted
    examples or parenthesized asides (85,613 usable, 4-22 words): definitional English with a
    wide vocabulary. Only clauses whose every word is in wamerican are kept, so that Latin
    taxonomy and ordinals written as "3rd" (which normalize would say "three rd") stay out."""
    words = set(dict_words())
    out = set()
    for gloss in _wordnet_glosses():
        for part in re.sub(r'"[^"]*"', "", gloss).split(";"):
            part = re.sub(r"\([^)]*\)", "", part)
            if re.search(r"\d[a-z]", part, re.I):
                continue
            n = normalize(part)
            if n and 4 <= len(n.split()) <= 22 and all(w in words for w in n.split()):
                out.add(n)
    return sorted(out)


def fortune_sentences():
    out = []
    files = [f for f in glob.glob(os.path.join(FORTUNES_DIR, "*"))
             if not f.endswith((".dat", ".u8")) and os.path.isfile(f)]
    for path in sorted(files):
        with open(path, encoding="utf-8", errors="ignore") as f:
            for block in f.read().split("\n%\n"):
                if re.search(r"^\s{4,}|\t", block, re.M):
                    continue  # verse/code layout; quotes attribution lines
                block = re.sub(r"\s*--.*$", "", block, flags=re.S)
                for s in re.split(r"(?<=[.!?])\s+", " ".join(block.split())):
                    n = normalize(s)
                    if n and 3 <= len(n.split()) <= 22:
                        out.append(n)
    return sorted(set(out))


def dict_words():
    with open(DICT_FILE, encoding="utf-8", errors="ignore") as f:
        words = [w.strip() for w in f]
    return sorted({w for w in words if re.fullmatch(r"[a-z]+('s)?", w) and len(w) > 1} |
                  {"a", "i"})


def digit_string(r, lo=1, hi=7):
    return " ".join(r.choice(DIGITS) for _ in range(r.randint(lo, hi)))


def dictation_sentence(r):
    """Template sentences of the kind people dictate: names, dates, times, amounts."""
    name = r.choice(NAMES) + (" " + r.choice(SURNAMES) if r.random() < 0.5 else "")
    month, day = r.choice(MONTHS), ordinal_words(r.randint(1, 31))
    templates = [
        lambda: f"meet {name} on {r.choice(DAYS)} at {time_words(r)}",
        lambda: f"the {r.choice(THINGS)} is due on {month} {day}",
        lambda: f"call {name} at {digit_string(r, 7, 10)}",
        lambda: f"send {num_words(r.randint(2, 500))} copies of the {r.choice(THINGS)} "
                f"to {name}",
        lambda: f"it costs {num_words(r.randint(1, 99999))} dollars and "
                f"{num_words(r.randint(1, 99))} cents",
        lambda: f"my zip code is {digit_string(r, 5, 5)}",
        lambda: f"the flight to {r.choice(CITIES)} leaves at {time_words(r)} on {month} {day}",
        lambda: f"{name} was born on {month} {day} {year_words(r.randint(1900, 2025))}",
        lambda: f"remind me to call {name} {r.choice(['tomorrow', 'tonight', 'next week'])}",
        lambda: f"we sold {num_words(r.randint(1, 999999))} units in {year_words(r.randint(1950, 2030))}",
        lambda: f"room {num_words(r.randint(1, 999))} on the {ordinal_words(r.randint(1, 40))} floor",
        lambda: f"the temperature is {num_words(r.randint(0, 110))} degrees in {r.choice(CITIES)}",
        lambda: f"dear {name} comma thank you for your {r.choice(THINGS)} period",
        lambda: f"new paragraph {r.choice(['please', 'the', 'our'])} {r.choice(THINGS)} "
                f"arrived on {r.choice(DAYS)} period",
        lambda: f"order number {digit_string(r, 3, 8)}",
        lambda: f"{num_words(r.randint(1, 100))} percent of {num_words(r.randint(2, 5000))} "
                f"people said yes",
        lambda: f"is {name} free at {time_words(r)} question mark",
    ]
    return r.choice(templates)()


def word_list(r, words):
    return " ".join(r.choice(words) for _ in range(r.randint(1, 6)))


def build_texts(seed, n_heldout=150, n_fortune=9000, n_dictation=3000, n_words=2500,
                n_digits=3000):
    """Returns (train_texts, heldout_texts). Held-out sentences are removed from training."""
    r = random.Random(seed)
    fortunes = fortune_sentences()
    r.shuffle(fortunes)
    dictation = sorted({dictation_sentence(r) for _ in range(n_dictation + 400)})
    r.shuffle(dictation)
    held = fortunes[:n_heldout * 2 // 3] + dictation[:n_heldout - n_heldout * 2 // 3]
    held_set = set(held)
    train = fortunes[n_heldout:n_heldout + n_fortune] + dictation[200:200 + n_dictation]
    words = dict_words()
    train += [word_list(r, words) for _ in range(n_words)]
    train += [digit_string(r, 1, 1) if r.random() < 0.4 else digit_string(r, 2, 7)
              for _ in range(n_digits)]
    train = [t for t in train if t not in held_set]
    return train, held
