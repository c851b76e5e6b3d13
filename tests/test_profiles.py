"""Spinner profiles (issue 14) on the tiny fixture model: the file, EM, restoring with a
profile, safety on clean text, attribution and --update."""

import gzip
import math

import pytest
from conftest import TINY

from unspin.errors import UnspinError
from unspin.lm import ArpaModel
from unspin.profiles import FORMAT, Profile, Word, read, write
from unspin.profiles.attribution import attribute, fits, load_folder
from unspin.profiles.fileformat import dumps, loads
from unspin.profiles.profile import FALSE_SUSPECTS, MIN_FIT, MISSING_FLOOR, OTHER_UNSEEN
from unspin.profiles.learning import (Observations, Reading, Record, SiteArrays, difference, estimate, expectation,
                                      maximise)
from unspin.restorer import Restorer
from unspin.tokenize import tokenize
from unspin.types import apply_edits

# A spinner that writes "in" as "successful", "house" as "home", "will" as "volition" and "be"
# as "beryllium"; its pages, and a held-out page only its profile restores whole.
PAGES = ["He was successful Seoul successful 2019.", "The home is successful the city.", "It is a good home.",
         "The soldiers have been captured successful the fighting.",
         "She said the soldiers volition beryllium home successful two weeks.", "Families volition beryllium told."] * 4
HELD_OUT = "It is a good home successful Seoul. They volition beryllium told."
RESTORED = "It is a good house in Seoul. They will be told."
MORE_PAGES = ["He ran across a minefield successful the zone.", "The home is successful the zone."] * 3
CLEAN = ["She said the soldiers will be home in two weeks.", "It is a good house.", "The house is in the city.",
         "He ran across a minefield in the zone that separates the two Koreas."]


@pytest.fixture(scope="module")
def restorer():
    return Restorer(TINY, lm=ArpaModel(TINY / "lm.arpa"))


@pytest.fixture(scope="module")
def learned(restorer):
    return restorer.learn(PAGES, name="site-a")


def test_profiles_file_round_trip(learned, tmp_path):
    for name in ("site-a.tsv", "site-a.tsv.gz"):
        write(learned, tmp_path / name)
        again = read(tmp_path / name)
        assert again.words.keys() == learned.words.keys()
        for text, word in learned.words.items():
            assert again.words[text].count == pytest.approx(word.count, abs=1e-3)
            assert again.words[text].originals.keys() == word.originals.keys()
        assert {k: v for k, v in again.header.items() if k != "checksum"} == \
            {k: v for k, v in learned.header.items() if k != "checksum"}
    text = (tmp_path / "site-a.tsv").read_text(encoding="utf-8")
    assert text.startswith(f"# {FORMAT}\n# {{") and "\nsuccessful\t" in text  # readable, one word a line
    assert gzip.decompress((tmp_path / "site-a.tsv.gz").read_bytes()).decode() == text
    first = (tmp_path / "site-a.tsv.gz").read_bytes()
    write(read(tmp_path / "site-a.tsv.gz"), tmp_path / "site-a.tsv.gz")
    assert (tmp_path / "site-a.tsv.gz").read_bytes() == first  # the same profile is the same bytes


@pytest.mark.parametrize("first, message", [
    ("# unspin.profile/2", "format 'unspin.profile/2'; this unspin reads unspin.profile/1"),
    ("# unspin.channel/1", "is not an unspin profile"),
    ("hello", "is not an unspin profile"),
])
def test_profiles_file_refuses_another_format_or_version(tmp_path, first, message):
    path = tmp_path / "other.tsv"
    path.write_text(f"{first}\n# {{}}\n# columns\nsuccessful\t2\t0\tin\t2\n", encoding="utf-8")
    with pytest.raises(UnspinError, match="E020") as caught:
        read(path)
    assert message in str(caught.value)


def test_profiles_file_names_a_damaged_line(tmp_path):
    path = tmp_path / "damaged.tsv"
    path.write_text(f"# {FORMAT}\n# {{}}\n# columns\nsuccessful\t2\t0\tin\n", encoding="utf-8")
    with pytest.raises(UnspinError, match="E020.*line 4"):
        read(path)
    with pytest.raises(UnspinError, match="E001"):
        read(tmp_path / "missing.tsv")


def synthetic(sites: int, spun: float) -> Observations:
    """``sites`` occurrences of "successful", each read as "in" with posterior ``spun``."""
    found = Observations()
    for _ in range(sites):
        found.add("successful", Record(Reading(("successful",), 1 - spun, -0.1, -0.1), 1 - spun,
                                       (Reading(("in",), spun, -2.0, -2.0),)))
    found.counts.update({"successful": sites, "in": 1})
    return found


def test_profiles_em_converges_on_a_synthetic_spinner():
    changes = []
    profile, reported = estimate(synthetic(40, 0.6), iterations=50, tolerance=1e-4,
                                 report=lambda iteration, change: changes.append(change))
    assert reported == [round(c, 6) for c in changes] and changes[-1] < 1e-4 and len(changes) < 50
    mass = profile.words["successful"].originals[("in",)]
    assert 0.9 * 40 < mass <= 40  # the sites agree with each other: "in" nearly everywhere
    lone, _ = estimate(synthetic(1, 0.6), iterations=50)
    assert lone.words["successful"].originals[("in",)] <= 0.6  # one site never argues for itself


def tangled(seed: int = 3) -> tuple[Observations, Profile]:
    """Observations of several words with competing readings, phrase sites (no kept reading),
    sites beyond MAX_SITES (scaled), and a prior that holds some of the same pairs."""
    import random

    rng = random.Random(seed)
    found = Observations()
    originals = [("in",), ("house",), ("will",), ("be",), ("because",), ("of", "course")]
    for observed in ("successful", "home", "volition", "beryllium", "due to"):
        for _ in range(rng.randint(1, 12)):
            chosen = rng.sample(originals, rng.randint(1, 3))
            weights = [rng.random() for _ in range(len(chosen) + 1)]
            total = sum(weights)
            readings = tuple(Reading(o, w / total, -rng.uniform(0.5, 3), -rng.uniform(0.5, 3))
                             for o, w in zip(chosen, weights[1:]))
            keep = None if " " in observed else Reading((observed,), weights[0] / total, -0.1, -rng.uniform(0.05, 1))
            found.add(observed, Record(keep, weights[0] / total, readings))
        found.read[observed] += rng.randint(0, 5)  # read, not kept: the kept sites are scaled
    found.counts.update({"successful": 30, "home": 12, "in": 50, "house": 9, "will": 4})
    prior = Profile({"successful": Word(20.0, 5.0, {("in",): 14.0, ("house",): 1.0}),
                     "gone": Word(3.0, 1.0, {("left",): 2.0}), "in": Word(40.0, 40.0)})
    return found, prior


@pytest.mark.parametrize("with_prior", [False, True])
def test_profiles_em_on_arrays_equals_the_reference_steps(with_prior):
    observations, prior = tangled()
    prior = prior if with_prior else None
    arrays = SiteArrays.of(observations, prior)
    gamma, keep = arrays.posterior.copy(), arrays.keep_posterior.copy()
    reference = arrays.gammas(gamma, keep)
    profile = maximise(observations, reference, prior)
    sums = arrays.sums(gamma, keep)
    for _ in range(4):
        reference = {observed: [expectation(observed, site, profile, own) for site, own in zip(records, reference[observed])]
                     for observed, records in observations.sites.items()}
        gamma, keep = arrays.expectation(sums, gamma, keep)
        mine = arrays.gammas(gamma, keep)
        for observed, rows in reference.items():
            for (weights, kept), (my_weights, my_kept) in zip(rows, mine[observed]):
                assert my_weights == pytest.approx(weights, rel=1e-9, abs=1e-12) and my_kept == pytest.approx(kept, rel=1e-9)
        following = maximise(observations, reference, prior)
        following_sums = arrays.sums(gamma, keep)
        assert arrays.difference(sums, following_sums) == pytest.approx(difference(profile, following), rel=1e-9)
        profile, sums = following, following_sums
    learned, _changes = estimate(observations, prior, iterations=4, tolerance=0.0)
    for text, word in profile.words.items():
        assert learned.words[text].kept == pytest.approx(word.kept)
        assert learned.words[text].originals == pytest.approx(word.originals)


def test_profiles_fit_reads_phrases_for_attribution_but_the_gate_reads_words():
    profile = Profile({"atomic number 49": Word(40.0, 0.0, {("in",): 40.0}), "in": Word(5.0, 5.0),
                       "successful": Word(30.0, 0.0, {("in",): 30.0})})
    phrase_only = tokenize("It was atomic number 49 the city, atomic number 49 the end.")
    assert profile.contributions(phrase_only)["atomic number 49"] > 8  # 2 x log2(41 / 1)
    assert profile.fit(phrase_only) > 8
    assert sum(profile.contributions(phrase_only, phrases=False).values()) < 4
    assert profile.view(phrase_only) is None  # phrases alone never open the gate
    words = tokenize("It was successful the city, successful the end.")
    assert profile.fit(words) == pytest.approx(sum(profile.contributions(words, phrases=False).values()))
    assert profile.view(words) is not None


def test_profiles_gate_counts_each_word_once():
    # a story that repeats a word the spinner writes is one piece of evidence, not six: paper-mill
    # writes "programmes" for "plans", and a clean story about village television uses it six times
    profile = Profile({"programmes": Word(2.0, 0.0, {("plans",): 2.0}), "plans": Word(5.0, 5.0),
                       "scheme": Word(15.0, 3.0, {("system",): 12.0}), "system": Word(80.0, 80.0),
                       "successful": Word(30.0, 0.0, {("in",): 30.0})})
    story = tokenize("The programmes, the programmes and the programmes; programmes, programmes, programmes.")
    per_occurrence = profile.contributions(story, phrases=False)
    assert per_occurrence["programmes"] == pytest.approx(6 * math.log2(3)) and per_occurrence["programmes"] > MIN_FIT
    assert profile.fit(story) > MIN_FIT  # attribution, which compares profiles, reads every occurrence
    once = profile.contributions(story, phrases=False, repeats=False)
    assert once["programmes"] == pytest.approx(math.log2(3)) and once["programmes"] < MIN_FIT
    view, use = profile.weigh(story)
    assert view is None and not use.used and use.fit == pytest.approx(math.log2(3))
    # a spun document shows several of the spinner's words: each counts once, and they add up
    spun = tokenize("The programmes successful the scheme, successful the programmes.")
    once = profile.contributions(spun, phrases=False, repeats=False)
    assert once["successful"] == pytest.approx(math.log2(31)) and once["scheme"] == pytest.approx(2.0)
    view, use = profile.weigh(spun)
    assert view is not None and use.fit == pytest.approx(math.log2(3) + math.log2(31) + 2.0)


def test_profiles_gate_weighs_words_another_spinner_wrote():
    # a spinner seen over many pages: "successful" for "in" and "home" for "house", each
    # word of its dictionary seen spun many times (little missing mass), "said" never spun
    words = {"successful": Word(60.0, 0.0, {("in",): 60.0}), "home": Word(50.0, 10.0, {("house",): 40.0}),
             "in": Word(20.0, 20.0), "said": Word(80.0, 80.0), "rare": Word(1.0, 0.0, {("odd",): 1.0})}
    profile = Profile(words)
    assert profile.missing_mass == pytest.approx(1 / 101)  # one word seen spun once, of 101 spun
    document = tokenize("It was successful the city, successful the end.")
    fit = sum(profile.contributions(document, phrases=False, repeats=False).values())  # the gate's
    assert fit == pytest.approx(math.log2(61))  # "successful" once: log2((60 + 1) / (0 + 1))
    per_word = math.log2(OTHER_UNSEEN / MISSING_FLOOR)  # the missing mass is under the floor
    # the words the generic channel restores: this spinner's own cost nothing ...
    assert profile.unexplained_bits(["successful", "successful", "home"]) == 0.0
    assert profile.view(document, lambda: ["successful", "successful"]) is not None
    # ... another spinner's (a word never seen spun, "said", or never seen) count against the fit
    assert profile.unexplained_bits(["said", "mentioned"]) == pytest.approx(2 * per_word)
    # beyond the few a generic pass restores in any text (FALSE_SUSPECTS per lowercase word)
    free = FALSE_SUSPECTS * 7
    assert profile.unexplained_bits(["said", "mentioned"], free) == pytest.approx((2 - free) * per_word)
    assert profile.unexplained_bits([], free) == 0.0
    closing = math.floor((fit - MIN_FIT) / per_word + free) + 1  # just enough to close the gate
    assert profile.view(document, lambda: ["mentioned"] * closing) is None
    assert profile.view(document, lambda: ["mentioned"] * (closing - 1)) is not None
    # pages too few to say what the spinner's dictionary lacks: no penalty
    few = Profile({"successful": Word(2.0, 0.0, {("in",): 2.0}), "home": Word(1.0, 0.0, {("house",): 1.0})})
    assert few.missing_mass >= OTHER_UNSEEN and few.unexplained_bits(["mentioned"] * 10) == 0.0
    # the suspects are asked for only when the words fit
    assert profile.view(tokenize("It was the city."), lambda: pytest.fail("asked")) is None
    # the verdict says why
    view, use = profile.weigh(document, lambda: ["mentioned"] * closing)
    assert view is None and not use.used and use.unexplained == closing and use.fit == pytest.approx(fit)
    assert "another spinner" in use.describe() and f"{closing} restored word" in use.describe()


def test_profiles_learned_profile_restores_held_out_text_better(restorer, learned):
    assert restorer.restore(HELD_OUT).restored_text == "It is a good house successful Seoul. They will be told."
    result = restorer.with_profile(learned).restore(HELD_OUT)
    assert result.restored_text == RESTORED
    assert apply_edits(result.text, result.edits) == result.restored_text
    assert "|profile:site-a+" in result.signature


def test_profiles_gate_pass_is_the_documents_pass_one(restorer, learned, monkeypatch):
    """With a profile, the generic first pass its gate decodes is the document's pass one,
    whether the gate opens or not: each piece is decoded by a first pass once."""
    import unspin.passes as passes
    channels = []
    real = passes.first_pass_path

    def counted(tokens, lm, table, settings, profile):
        channels.append(profile)
        return real(tokens, lm, table, settings, profile)

    monkeypatch.setattr(passes, "first_pass_path", counted)
    pieces = len(passes.pieces(tokenize(HELD_OUT)))
    plain = restorer.restore(HELD_OUT)
    assert len(channels) == pieces and set(channels) == {None}
    channels.clear()
    result = restorer.with_profile(learned).restore(HELD_OUT)
    assert result.profile_use is not None and result.profile_use.used  # the gate opened
    assert len(channels) == pieces and set(channels) == {None}  # one pass, the generic one
    assert result.restored_text == RESTORED != plain.restored_text


# The same spinner, writing capitalised words like any other ("Successful" for "In"), or
# leaving them alone, as most spinners do.
CAPITALS = ["Successful 2019 he was successful Seoul.", "Successful the city the home is good.",
            "Volition they beryllium told?"] * 4
LEFT_ALONE = ["In 2019 he was successful Seoul.", "In the city the home is good.", "Will they beryllium told?"] * 4


def test_profiles_learn_capitalised_words_apart(restorer):
    from unspin.casing import key, titled, untitled

    assert key("he or she", True) == "He or she" and key("in", False) == "in"
    assert titled(("in", "the")) == ("In", "the") and untitled(("In", "the")) == ("in", "the")
    rewrites = restorer.learn(PAGES + CAPITALS, name="capitals")
    assert max(rewrites.words["Successful"].originals, key=rewrites.words["Successful"].originals.get) == ("In",)
    assert rewrites.words["successful"].originals.keys() == {("in",)}  # lowercase sums stay apart
    leaves = restorer.learn(PAGES + LEFT_ALONE, name="left-alone")
    assert "Successful" not in leaves.words and leaves.words["In"].originals == {}
    text = "Successful Seoul, the home is good. They volition beryllium told."
    assert restorer.with_profile(rewrites).restore(text).restored_text == "In Seoul, the house is good. They will be told."
    # a spinner whose pages leave capitalised words alone restores them as without a profile
    kept = restorer.with_profile(leaves).restore(text)
    assert kept.restored_text.startswith("Successful Seoul,") and kept.profile_use.used
    assert restorer.restore(text).restored_text.startswith("Successful Seoul,")
    # a profile learned before capitalised entries existed reads capitalised words generically
    lowercase = Profile({t: w for t, w in rewrites.words.items() if not t[:1].isupper()}, rewrites.header)
    assert restorer.with_profile(lowercase).restore(text).restored_text.startswith("Successful Seoul,")
    # the fit reads capitalised words too: for the spinner that rewrites them, "Successful" at the
    # start is its writing; for the one that leaves them alone, "In" is
    assert rewrites.fit(tokenize("Successful Seoul, it is.")) > lowercase.fit(tokenize("Successful Seoul, it is."))
    assert leaves.contributions(tokenize("In Seoul.")).get("In", 0.0) == 0.0
    assert rewrites.contributions(tokenize("In Seoul."))["In"] < 0  # this spinner never leaves "In"


def test_profiles_seasoned_profile_reads_the_documents_it_fits_without_the_batch(restorer, learned):
    from unspin.profiles.profile import SEASONED_PAGES

    crawl = restorer.gather(PAGES + [HELD_OUT])
    young = Profile(learned.words, {**learned.header, "pages": SEASONED_PAGES - 1})
    seasoned = Profile(learned.words, {**learned.header, "pages": SEASONED_PAGES})
    assert not young.seasoned and seasoned.seasoned
    alone = restorer.with_profile(seasoned).restore(HELD_OUT)
    both = restorer.with_profile(seasoned).with_corpus(crawl).restore(HELD_OUT)
    assert both.profile_use.used and both.edits == alone.edits and both.signature == alone.signature
    assert restorer.with_profile(young).with_corpus(crawl).restore(HELD_OUT).signature.endswith("|corpus")
    # a document the profile does not fit is read with the batch's agreement
    assert restorer.with_profile(seasoned).with_corpus(crawl).restore(CLEAN[1]).signature.endswith("|corpus")


def test_profiles_profile_adds_no_edits_on_clean_text(restorer, learned):
    with_profile = restorer.with_profile(learned)
    for text in CLEAN:
        result = with_profile.restore(text)
        assert result.edits == restorer.restore(text).edits
        assert learned.fit(tokenize(text)) < 4.0  # clean text does not fit the spinner's profile
        use = result.profile_use  # and the result says so
        assert use.name == "site-a" and not use.used and use.fit < 4.0 and use.unexplained is None
        assert "not used" in use.describe()
    assert restorer.restore(CLEAN[0]).profile_use is None  # no profile, no verdict
    use = with_profile.restore(HELD_OUT).profile_use
    assert use.used and use.fit > 4.0 and use.unexplained is not None and "used:" in use.describe()


def test_profiles_update_equals_learning_from_all_pages(restorer):
    whole = restorer.learn(PAGES + MORE_PAGES)
    updated = restorer.learn(MORE_PAGES, update=restorer.learn(PAGES))
    assert updated.header["pages"] == whole.header["pages"] == len(PAGES + MORE_PAGES)
    assert len(updated.header["learned"]) == 2
    # the pages' habit evidence adds up too (one first pass per English page)
    assert updated.header["habit_evidence"] == whole.header["habit_evidence"]
    assert sum(n for _r, n in whole.header["habit_evidence"]["per_occurrence"]) == len(PAGES + MORE_PAGES)
    for observed in ("successful", "home"):
        for original, mass in whole.words[observed].originals.items():
            assert updated.words[observed].originals[original] == pytest.approx(mass, rel=0.1, abs=0.5)
        assert updated.words[observed].count == whole.words[observed].count


def test_profiles_learning_in_two_workers_equals_one(restorer):
    assert dumps(restorer.learn(PAGES, workers=2)).split("\n", 2)[2] == \
        dumps(restorer.learn(PAGES)).split("\n", 2)[2]  # the header's timing aside


def test_profiles_refuse_a_profile_learned_with_another_model(restorer, learned):
    other = loads(dumps(learned).replace(learned.header["model"]["lm"], "lm.binary+0badc0de"), "other")
    with pytest.raises(UnspinError, match="E023.*lm lm.binary\\+0badc0de"):
        restorer.with_profile(other).restore("It is a good home.")
    with pytest.raises(UnspinError, match="E050.*unknown profile 'nope'"):
        restorer.restore("It is a good home.", profile="nope")


def test_profiles_attribution_names_the_spinner_or_none(learned):
    other = Profile({"crossed": Word(10, 0, {("across",): 10.0}), "across": Word(0, 0, {})})
    profiles = {"site-a": learned, "site-b": other}
    spun = tokenize(" ".join(PAGES[:5]))
    assert attribute(fits(spun, profiles)).profile == "site-a"
    found = attribute(fits(tokenize(" ".join(CLEAN)), profiles))
    assert found.profile is None and found.fits["site-a"] < 0


def test_profiles_load_folder(learned, tmp_path):
    write(learned, tmp_path / "a.tsv.gz")
    (tmp_path / "notes.txt").write_text("not a profile")
    assert list(load_folder(tmp_path)) == ["site-a"]
    with pytest.raises(UnspinError, match="holds no profile"):
        load_folder(tmp_path / "empty" if (tmp_path / "empty").mkdir() is None else None)


# ---------------------------------------------------------------- command line

def run(*args, data: bytes = b""):
    import subprocess
    import sys

    return subprocess.run([sys.executable, "-m", "unspin.cli", *map(str, args)], input=data,
                          capture_output=True, timeout=180)


def test_profiles_cli_learn_update_show_restore_detect_batch(tmp_path):
    import json

    pages = tmp_path / "pages"
    pages.mkdir()
    for number, text in enumerate(PAGES[:12]):
        (pages / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    more = tmp_path / "more.jsonl"
    more.write_text("".join(json.dumps({"body": text}) + "\n" for text in PAGES[12:]), encoding="utf-8")
    first = tmp_path / "site-a.tsv.gz"
    out = run("learn", pages, "--output", first, "--model", TINY, "--workers", "1")
    assert out.returncode == 0, out.stderr
    assert b"12 pages" in out.stdout and b"iteration 1: the dictionary changed by" in out.stderr
    assert b"unspin learn: its text" in out.stdout  # one spinner? (too little here to tell)
    profile = tmp_path / "profiles" / "site-a.tsv"
    out = run("learn", more, "--text-field", "body", "--update", first, "--output", profile, "--model", TINY,
              "--workers", "2", "-q")
    assert out.returncode == 0, out.stderr
    assert b"iteration" not in out.stderr  # -q
    assert read(profile).header["pages"] == len(PAGES)

    shown = run("profile", "show", profile)
    assert shown.returncode == 0
    assert f"learned from {len(PAGES)} pages".encode() in shown.stdout and b"successful" in shown.stdout
    assert b"its text" in shown.stdout

    spun = HELD_OUT.encode()
    out = run("restore", "--model", TINY, "--profile", profile, "-v", data=spun)
    assert out.returncode == 0, out.stderr
    assert out.stdout == RESTORED.encode() and b"|profile:site-a+" in out.stderr
    assert b"note: profile site-a: used: the document's words fit it by" in out.stderr  # -v: each piece
    out = run("restore", "--model", TINY, "--profile", profile, data=CLEAN[1].encode())
    assert out.returncode == 0 and out.stdout == CLEAN[1].encode()
    assert b"note: profile site-a: not used: the document's words fit it by" in out.stderr
    assert b"restored without it." in out.stderr

    (tmp_path / "spun.txt").write_bytes(spun + b" The home is successful the zone. He was successful Seoul.")
    (tmp_path / "clean.txt").write_text("It is a good house in the city.", encoding="utf-8")
    out = run("detect", "--model", TINY, "--profiles", profile.parent, tmp_path / "spun.txt", tmp_path / "clean.txt")
    assert out.returncode == 0, out.stderr
    lines = [line.split("\t") for line in out.stdout.decode().splitlines()]
    assert [line[2] for line in lines] == ["site-a", "none"] and float(lines[0][3]) > float(lines[1][3])

    batch_in = tmp_path / "in.jsonl"
    batch_in.write_text(json.dumps({"text": spun.decode()}) + "\n", encoding="utf-8")
    out = run("batch", batch_in, tmp_path / "out.jsonl", "--model", TINY, "--profile", profile, "--workers", "1",
              "--no-progress")
    assert out.returncode == 0, out.stderr
    record = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    assert record["restored_text"] == RESTORED and "|profile:site-a+" in record["signature"]

    kept = tmp_path / "corpus.tsv"  # corpus mode keeps what it gathered
    out = run("batch", more, tmp_path / "corpus-out.jsonl", "--text-field", "body", "--model", TINY, "--corpus",
              "--save-profile", kept, "--workers", "1", "--no-progress")
    assert out.returncode == 0, out.stderr
    assert read(kept).words["successful"].originals[("in",)] > 0 and read(kept).header["pages"] == len(PAGES) - 12
    out = run("batch", more, tmp_path / "x.jsonl", "--model", TINY, "--save-profile", kept)
    assert out.returncode == 1 and b"--corpus" in out.stderr
    # the profile and corpus mode together (bench/profiles_bench.py's `+ corpus`)
    out = run("batch", more, tmp_path / "both.jsonl", "--text-field", "body", "--model", TINY, "--corpus",
              "--assume-one-spinner", "--profile", profile, "--workers", "1", "--no-progress")
    assert out.returncode == 0, out.stderr
    records = [json.loads(line) for line in (tmp_path / "both.jsonl").read_text(encoding="utf-8").splitlines()]
    assert records and all("|profile:site-a+" in r["signature"] and r["signature"].endswith("|corpus")
                           for r in records)


def test_profiles_cli_refuses_bad_profiles(tmp_path):
    damaged = tmp_path / "damaged.tsv"
    damaged.write_text("# unspin.profile/9\n", encoding="utf-8")
    out = run("restore", "--model", TINY, "--profile", damaged, data=b"It is a good home.")
    assert out.returncode == 1 and b"E020" in out.stderr and out.stdout == b""
    out = run("learn", tmp_path / "nothing-here", "--output", tmp_path / "x.tsv")
    assert out.returncode == 2  # a usage error: the input does not exist
    out = run("serve", "--profile", "no-equals-sign")
    assert out.returncode == 2 and b"NAME=PATH" in out.stderr


@pytest.mark.parametrize("workers", ["1", "2"])
def test_profiles_cli_learn_names_the_documents_it_could_not_read(tmp_path, workers):
    pages = tmp_path / "pages"
    pages.mkdir()
    for number, text in enumerate(PAGES[:6]):
        (pages / f"{number:02d}.txt").write_text(text, encoding="utf-8")
    (pages / "broken.txt").write_bytes(b"\xff\xfe not UTF-8")
    records = tmp_path / "records.jsonl"
    records.write_text('{"text": "The home is successful the city."}\nnot json\n', encoding="utf-8")
    out = run("learn", pages, records, "--output", tmp_path / "site.tsv", "--model", TINY, "--workers", workers, "-q")
    assert out.returncode == 0, out.stderr
    assert b"7 pages" in out.stdout  # the readable ones
    assert b"2 documents could not be read and were left out" in out.stderr
    assert b"broken.txt: E003" in out.stderr and b"records.jsonl (record 2): bad JSON" in out.stderr


# ---------------------------------------------------------------- server

def test_profiles_server_restores_and_detects_with_a_named_profile(restorer, learned):
    import copy

    from fastapi.testclient import TestClient

    from unspin.server import create_app

    served = copy.copy(restorer)
    served.profiles = {"site-a": learned}
    with TestClient(create_app(served)) as http:
        info = http.get("/v1/info").json()
        assert [p["name"] for p in info["profiles"]] == ["site-a"] and info["profiles"][0]["pages"] == len(PAGES)
        text = HELD_OUT
        plain = http.post("/v1/restore", json={"text": text}).json()
        chosen = http.post("/v1/restore", json={"text": text, "profile": "site-a"}).json()
        assert plain["restored_text"] != chosen["restored_text"] == RESTORED
        assert "|profile:site-a+" in chosen["signature"] and "|profile:" not in plain["signature"]
        refused = http.post("/v1/restore", json={"text": text, "profile": "nope"})
        assert refused.status_code == 422 and refused.json()["code"] == "E050"
        found = http.post("/v1/detect", json={"texts": [" ".join(PAGES[:5]), CLEAN[2]], "profile": "site-a"}).json()
        assert found["scores"][0] > found["scores"][1]
        assert [a["profile"] for a in found["attributions"]] == ["site-a", None]
        assert "profile" in http.get("/openapi.json").json()["components"]["schemas"]["RestoreRequest"]["properties"]


@pytest.mark.slow
def test_profiles_cli_learn_on_ray_equals_local(tmp_path):
    pytest.importorskip("ray")
    pages = tmp_path / "pages.jsonl"
    pages.write_text("".join('{"text": "%s"}\n' % text for text in PAGES), encoding="utf-8")
    for engine in ("local", "ray"):
        out = run("learn", pages, "--output", tmp_path / f"{engine}.tsv", "--model", TINY, "--engine", engine,
                  "--workers", "2", "-q")
        assert out.returncode == 0, out.stderr
    local, ray = (read(tmp_path / f"{engine}.tsv") for engine in ("local", "ray"))
    assert lines_of(local) == lines_of(ray)


def lines_of(profile) -> list[str]:
    from unspin.profiles.fileformat import lines

    return lines(profile)


def test_profiles_check_one_spinner_writes_each_original_one_way():
    one = Profile({f"spun{i}": Word(5.0, 1.0, {(f"word{i}",): 4.0}) for i in range(12)})
    assert one.check().one_spinner and one.check().originals == 12
    # several spinners: each original written three ways, a third of its mass each
    blend = Profile({f"{way}{i}": Word(2.0, 0.0, {(f"word{i}",): 2.0}) for i in range(12) for way in "abc"})
    check = blend.check()
    assert not check.one_spinner and abs(check.share - 1 / 3) < 1e-9
    assert "its text reads as several spinners" in check.describe("its text")
    assert not Profile({}).check().one_spinner  # nothing learned: too little to tell


def test_profiles_a_word_the_spinner_writes_for_others_is_no_sign_it_left_its_own(restorer):
    """A word a document uses as it stands says the spinner left that original alone (the
    decoder's literal penalty), unless the profile reads the word as the spinner's own for
    another original most of the time (thesaurus-b writes "really" for another word and
    "truly" for really: a "really" elsewhere is no reason to keep "truly")."""
    from unspin.passes import decode
    from unspin.profiles.profile import DocumentView

    profile = Profile({"home": Word(30.0, 3.0, {("house",): 27.0}), "house": Word(10.0, 9.0, {("home",): 1.0}),
                       "city": Word(20.0, 20.0)})
    assert profile.literal(frozenset({"home", "house", "city"})) == {"house", "city"}
    withheld = DocumentView(profile, 10.0, frozenset({"home"}))  # read with the generic channel
    assert withheld.literal(frozenset({"home", "city"})) == {"home", "city"}
    document = tokenize("It is a good home in the city.")
    with_profile, _ = decode(document, restorer.lm, restorer.table, restorer.settings, None, profile)
    without, _ = decode(document, restorer.lm, restorer.table, restorer.settings, None)
    assert "home" in without.present and "city" in without.present
    assert "home" not in with_profile.present and "city" in with_profile.present


def test_profiles_keep_and_lend_their_spinners_habits(learned, tmp_path):
    from unspin.candidates import CRAWL_CEILING, Habits

    # the header keeps the pages' evidence and what it lends, and the file keeps the header
    assert set(learned.header["habits"]) == {"per_occurrence", "capitalised"}
    write(learned, tmp_path / "site-a.tsv")
    again = read(tmp_path / "site-a.tsv")
    assert again.header["habit_evidence"] == learned.header["habit_evidence"] and again.habits == learned.habits
    # pages that say their spinner chooses anew lend it; a profile learned before they were kept lends nothing
    anew = Profile(learned.words, {**learned.header, "habit_evidence": {"per_occurrence": [[3.5, 40]],
                                                                         "capitalised": [[-1.0, 40]]}})
    assert anew.habits == Habits(CRAWL_CEILING, Habits().capitalised)
    assert Profile(learned.words, {"name": "old"}).habits is None
    from unspin.profiles.commands import describe

    assert "chooses anew at each occurrence 0.90" in "\n".join(describe(anew))
    assert "chooses anew" not in "\n".join(describe(Profile(learned.words, {"name": "old"})))
