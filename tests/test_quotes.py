"""Quote extraction: one test per attribution pattern, the conventions for offsets and text, and the gold files."""

from __future__ import annotations

import ast
import json
from pathlib import Path

import pytest

from stance.quotes import Quote, extract_quotes

ROOT = Path(__file__).resolve().parents[1]
GOLD = ROOT / "tests" / "data" / "quotes"


def found(text: str) -> list[tuple[str, str | None]]:
    """The (quote, speaker) pairs extracted from a text."""
    return [(quote.text, quote.speaker) for quote in extract_quotes(text)]


PATTERNS = {
    "quote_then_name_said": (
        '"We will not sign anything that rewards the invasion," Kaja Lind said.',
        [("We will not sign anything that rewards the invasion", "Kaja Lind")]),
    "name_said_colon": (
        'Kaja Lind said: "We will not sign anything that rewards the invasion."',
        [("We will not sign anything that rewards the invasion.", "Kaja Lind")]),
    "said_name_appositive": (
        '"The gap is still enormous," said Pavel Orlov, a senior fellow at the Baltic Policy Centre in Riga.',
        [("The gap is still enormous", "Pavel Orlov")]),
    "according_to": (
        "Kaja Lind spoke on Monday. According to Pavel Orlov, the sides remain \"very far apart\" on borders.",
        [("very far apart", "Pavel Orlov")]),
    "told_reporters": (
        'Kremlin spokesman Dmitry Peskov told reporters "there is no date yet" for a summit.',
        [("there is no date yet", "Dmitry Peskov")]),
    "called_it_partial": (
        'Polish Foreign Minister Tomasz Wielgosz called the meeting "a conversation about Ukraine without Ukraine."',
        [("a conversation about Ukraine without Ukraine.", "Tomasz Wielgosz")]),
    "pronoun_and_surname": (
        'Kaja Lind, who chairs the committee, said the talks were "premature." According to Lind, Putin is '
        'stalling. "He has all the time in the world," she added. "We do not," Lind noted.',
        [("premature.", "Kaja Lind"), ("He has all the time in the world", "Kaja Lind"), ("We do not", "Kaja Lind")]),
    "titles_and_roles": (
        "Defense Minister Boris Pistorius said it was \"regrettable\" that Washington had made \"concessions.\" "
        "The Kremlin said it was \"satisfied.\"",
        [("regrettable", "Boris Pistorius"), ("concessions.", "Boris Pistorius"), ("satisfied.", "the Kremlin")]),
    "unnamed_office_kept_as_written": (
        '"Decisions about Ukraine are taken in Kyiv," the Ukrainian president said.',
        [("Decisions about Ukraine are taken in Kyiv", "the Ukrainian president")]),
    "office_resolved_to_named_person": (
        'Ukrainian President Volodymyr Zelensky met troops on Friday. "We are ready," the Ukrainian president said.',
        [("We are ready", "Volodymyr Zelensky")]),
    "description_refers_back": (
        'Veteran diplomat Andrei Sokolin said the talks were "a menu, not a meal." '
        '"Neither side wants to be blamed," the former diplomat said.',
        [("a menu, not a meal.", "Andrei Sokolin"), ("Neither side wants to be blamed", "Andrei Sokolin")]),
    "subject_of_previous_sentence": (
        'Danish Defense Minister Jens Holm was blunter. "Russia breaks every truce it signs," he said.',
        [("Russia breaks every truce it signs", "Jens Holm")]),
    "unnamed_speaker": (
        '"We will not be a spectator," a senior EU official said.',
        [("We will not be a spectator", "a senior EU official")]),
    "surname_with_particle": (
        'Anouk van der Berg chairs the panel. "The numbers do not add up," Ms. van der Berg said. '
        '"We asked twice," Van der Berg added.',
        [("The numbers do not add up", "Anouk van der Berg"), ("We asked twice", "Anouk van der Berg")]),
    "person_named_mid_sentence": (
        'Waiting at the station was Irina Koval, 61, a retired teacher. "I have nowhere else to go," she said.',
        [("I have nowhere else to go", "Irina Koval")]),
    "description_repeats_unnamed_speaker": (
        'A spokesman for the World Bank said funds were ready. "We can move quickly," the spokesman told reporters.'
        ' "The money is there."',
        [("We can move quickly", "a spokesman for the World Bank"),
         ("The money is there.", "a spokesman for the World Bank")]),
    "relative_clause_before_verb": (
        'An aid worker who visited the camp said: "Water is the first problem."',
        [("Water is the first problem.", "an aid worker")]),
    "asked_by_question": (
        'A minister said the budget was fair. Asked by a journalist, "Who pays for it?", the minister '
        'replied: "Everyone."',
        [("Who pays for it?", "a journalist"), ("Everyone.", "a minister")]),
    "unattributed_reply_addresses_last_speaker": (
        '"Will you resign?" Senator Ruth Palmer asked.\n\n"No," replied Colin Grant.\n\n"Then answer me, Mr. Grant."',
        [("Will you resign?", "Ruth Palmer"), ("No", "Colin Grant"), ("Then answer me, Mr. Grant.", "Ruth Palmer")]),
    "nested_single_quotes_and_mixed_pair": (
        "“When they say 'nothing about Ukraine without Ukraine,' we listen,\" she said.",
        [("When they say 'nothing about Ukraine without Ukraine,' we listen", None)]),
    "sentence_ending_in_on_x_is_a_sentence": (
        'Mayor Lena Vogt replied in a post on X. "The bridge stays closed," she wrote.',
        [("The bridge stays closed", "Lena Vogt")]),
    "role_word_before_name": (
        'Shopkeeper Ravi Menon said sales had halved. "Nobody comes in the evening now," he said.',
        [("Nobody comes in the evening now", "Ravi Menon")]),
    "place_after_name": (
        '"We cannot wait for another summit," said Sen. Alma Ruiz of New Mexico. "Nobody will," said Ewa Nowak of the '
        'Centre for Baltic Studies.',
        [("We cannot wait for another summit", "Alma Ruiz"), ("Nobody will", "Ewa Nowak")]),
    "participle_phrase_after_said": (
        '"The mood was tense," said a NATO official briefed on the talks.',
        [("The mood was tense", "a NATO official briefed on the talks")]),
    "scare_quoted_term_is_not_given_a_distant_cue": (
        'The ministry rejected any "peace dividend" in the budget, saying defence came first.',
        []),
    "unnamed_speaker_named_in_next_sentence": (
        '"The shelling has not stopped," the regional governor wrote. The official, Olha Marchenko, said two '
        'schools were hit.',
        [("The shelling has not stopped", "Olha Marchenko")]),
    "unnamed_speaker_named_by_added": (
        '"The gaps are large," Moscow\'s lead negotiator told reporters. Pavel Drozdov, a presidential aide, added '
        'that talks would "go on in June."',
        [("The gaps are large", "Pavel Drozdov"), ("go on in June.", "Pavel Drozdov")]),
    "pronoun_after_asked_is_the_person_asked": (
        'The paper asked historian Mara Lind whether the deal would last. "Not in this form," she said.',
        [("Not in this form", "Mara Lind")]),
    "bare_office_is_the_person_just_named": (
        'Sir Tom Hale met union leaders on Monday. Afterwards the prime minister said: "We are not there yet."',
        [("We are not there yet.", "Tom Hale")]),
    "institution_with_of_in_its_name": (
        'In a statement, the Bureau of Land Records said the files were "safe."',
        [("safe.", "the Bureau of Land Records")]),
    "single_quotes_as_outer_marks": (
        "Farmer Jo Price said the lane flooded ‘within the hour’.\n\n‘We’ve lost the lambs’ shed and the farmers’ "
        "trust,’ she said. 'It's gone,' said Tom O'Hare.",
        [("within the hour", "Jo Price"), ("We’ve lost the lambs’ shed and the farmers’ trust", "Jo Price"),
         ("It's gone", "Tom O'Hare")]),
    "middle_initial_and_subject_after_an_opening_clause": (
        'Speaking in Oslo beside Prime Minister Jonas B. Dahl, President Maria K. Olsen of Norway began by thanking '
        'her hosts for "a warm welcome."',
        [("a warm welcome.", "Maria K. Olsen")]),
    "full_name_first_seen_in_a_possessive": (
        'Maria Olsen\'s office confirmed the trip. "We will listen first," Olsen said.',
        [("We will listen first", "Maria Olsen")]),
    "surname_first_name_order": (
        'Park Ji-ho won in straight sets. "I am still shaking," Park said.',
        [("I am still shaking", "Park Ji-ho")]),
    "definite_description_then_name": (
        '"No date is set," the ministry\'s chief spokesman said. The spokesman, Ivo Rand, declined to say more.',
        [("No date is set", "Ivo Rand")]),
    "lower_case_role_before_name_in_appositive": (
        'The head of the team, senior aide Pavel Brun, said Moscow was "pleased."',
        [("pleased.", "Pavel Brun")]),
    "more_roles_particles_and_verbs": (
        'Striker Tomas Lind said the crowd was "unreal." "We stand firm," said Labour MP Gwen ap Hywel. '
        'Senator Ann Cole accused the envoy of being "naive."',
        [("unreal.", "Tomas Lind"), ("We stand firm", "Gwen ap Hywel"), ("naive.", "Ann Cole")]),
    "a_title_word_needs_a_determiner_to_mark_a_title": (
        'Leaders had to show "resolve and patience," Ms. Olsen said. Her new book, "Cold Peace," is out.',
        [("resolve and patience", "Olsen")]),
    "names_signs_and_taglines_are_not_speech": (
        'A sniper who goes by the call sign "Falcon" waved. Officials insist on calling it the "stabilisation '
        'mission." A chalk sign on the door: "Closed for the war". The film\'s tagline, "Nothing grows back," stuck.',
        []),
    "show_title_after_on_or_a_possessive": (
        'Appearing on NBC\'s "Meet the Press," Senator Ann Cole said the deal was "a trap."',
        [("a trap.", "Ann Cole")]),
    "scare_quote_in_a_later_clause_takes_no_earlier_cue": (
        'The minister has said troops could serve, but only under a mandate, as critics questioned the "dual key".',
        []),
    "a_question_in_the_prose_names_no_speaker": (
        'Secretary Marco Rubio took questions on the plane. And did he trust Vladimir Putin?\n\n'
        '"I trust what I can verify," he said.',
        [("I trust what I can verify", "Marco Rubio")]),
    "party_tags_and_letters_after_names": (
        'Cllr Ann Price (Lab), the leisure lead, said: "The park opens in May." Judge Mary Stone KC told him: '
        '"You abused their trust." "We keep marching," said Paul Reed Jr., 58, a mechanic.',
        [("The park opens in May.", "Ann Price"), ("You abused their trust.", "Mary Stone"),
         ("We keep marching", "Paul Reed Jr.")]),
    "unnamed_subject_repeated_by_a_description": (
        'A senior government source was blunter. "The risk," the source said, "is a bad deal."',
        [("The risk", "a senior government source"), ("is a bad deal.", "a senior government source")]),
    "a_possessive_description_is_someone_else": (
        'Sir Tom Hale spoke first. Later the prime minister\'s spokesperson said: "No comment."',
        [("No comment.", "the prime minister's spokesperson")]),
    "group_names_and_nicknames_inside_names": (
        'Teenagers calling themselves "Parks For All" were backed by the "friends of the river". Margaret "Peggy" '
        'Olsen spoke last. "We won," Olsen said. "Shame!" bellowed a backbencher.',
        [("We won", "Margaret Olsen"), ("Shame!", "a backbencher")]),
    "dash_aside_between_subject_and_verb": (
        'Mayor Ann Cole — dubbed "the Iron Lady" by her fans — vowed she would "never give in."',
        [("never give in.", "Ann Cole")]),
    "time_words_after_the_subject": (
        'Senator Ann Cole last night blasted the envoy for "wasting everyone\'s time."',
        [("wasting everyone's time.", "Ann Cole")]),
    "pronoun_before_anyone_spoke_is_the_sentence_subject": (
        'For two hours on Friday, President Maria K. Olsen held forth on what she called "the new normal."',
        [("the new normal.", "Maria K. Olsen")]),
    "question_in_the_prose_then_the_answer": (
        'Secretary Marco Rubio spoke for an hour. Would Kyiv accept a freeze? "A freeze, yes. Recognition, never."',
        [("A freeze, yes. Recognition, never.", "Marco Rubio")]),
    "opening_asked_is_the_reporter_asking": (
        'Finally, asked what he would tell Sergei Lavrov, Andrii Sybiha laughed. "Read the charter."',
        [("Read the charter.", "Andrii Sybiha")]),
    "it_refers_to_the_institution": (
        'The Kremlin on Monday welcomed what it called "signals of realism." The White House said talks would '
        '"resume soon." The Kremlin\'s own account was cooler. It said Moscow had "responded positively."',
        [("signals of realism.", "the Kremlin"), ("resume soon.", "the White House"),
         ("responded positively.", "the Kremlin")]),
    "hyphenated_role_and_live_blog_time_stamp": (
        'Co-leader Tino Berg urged the chancellor to "stop standing in the way."\n\n13:15 BST – Rustem Umerov, the '
        'council secretary, says the team will meet. "We will answer," he wrote.',
        [("stop standing in the way.", "Tino Berg"), ("We will answer", "Rustem Umerov")]),
    "person_acting_in_a_sentence_with_a_cue": (
        'The Foreign Secretary, Ann Cole, rose to tell MPs what she had been told by Washington.\n\n'
        '"We welcome every effort," she began, "but Ukraine decides."',
        [("We welcome every effort", "Ann Cole"), ("but Ukraine decides.", "Ann Cole")]),
    "place_after_a_comma_is_not_a_person": (
        'Speaking to reporters in Bishkek, Kyrgyzstan, at a summit, Mr. Putin said the ideas "could work." He '
        'added that "time is on our side."',
        [("could work.", "Putin"), ("time is on our side.", "Putin")]),
    "unnamed_speaker_with_a_relative_clause": (
        'In Washington, a senior official, who spoke on condition of anonymity, said the plan was "alive." '
        '"Nobody has walked away," the official said.',
        [("alive.", "a senior official"), ("Nobody has walked away", "a senior official")]),
    "relative_clause_after_an_apposed_name": (
        'Ms. Lind met her counterpart, Andrii Sybiha, who called Berlin "our most reliable partner."',
        [("our most reliable partner.", "Andrii Sybiha")]),
    "name_then_saying": (
        'India welcomed the talks, with Foreign Minister Ravi Menon saying the country "always backed dialogue."',
        [("always backed dialogue.", "Ravi Menon")]),
    "named_or_called_is_not_speech": (
        'At the hospital, a nurse called Olena says the wards are full. "Talks are talks," she says. His grandson '
        'Jack, 24, said: "He taught me everything."',
        [("Talks are talks", "Olena"), ("He taught me everything.", "Jack")]),
    "team_or_place_then_role_then_name": (
        'Victory captain Jason Tran was less amused. "Nobody is happy," he said. Asked about the referee – his side had '
        'a penalty appeal turned down – Tran smiled. "I like my money too much."',
        [("Nobody is happy", "Jason Tran"), ("I like my money too much.", "Jason Tran")]),
    "main_clause_before_a_colon": (
        'When Ann Cole said she would not "negotiate in public," Senator Paul Reed shot back: "You are testifying."',
        [("negotiate in public", "Ann Cole"), ("You are testifying.", "Paul Reed")]),
    "a_sentence_about_her_names_no_one_new": (
        'Lesya Doroshenko interprets for the delegation. Since 2022, she has worked at every round in Abu Dhabi. '
        '"It is theatre," she says.',
        [("It is theatre", "Lesya Doroshenko")]),
    "titles_by_author_of_and_banner_after": (
        'Anna Roux, the author of "La Paix armée" ("The Armed Peace"), spoke. Sales rose under the "Value Makes Sense" '
        'banner.',
        []),
    "tabloid_labels_kin_and_institutions_before_a_participle": (
        'BRAVE Brit medic Danny Rourke says the troops are "angry." Dad-of-two Danny added: "I patch people up." '
        'Back home, his mum Maureen, 68, said: "I want him home." Talks resumed, with the White House insisting a deal '
        'is "very close."',
        [("angry.", "Danny Rourke"), ("I patch people up.", "Danny Rourke"), ("I want him home.", "Maureen"),
         ("very close.", "the White House")]),
    "live_blog_heading_lines_and_party_tags": (
        '16:55 GMT\nUmerov: most points agreed\nRustem Umerov, the council secretary, said the sides had "a common '
        'understanding."\n\nSen. Chris Van Hollen, D-Md., said: "It has to come through Congress."',
        [("a common understanding.", "Rustem Umerov"), ("It has to come through Congress.", "Chris Van Hollen")]),
    "a_pronoun_right_after_an_unnamed_speaker": (
        'Judge Ann Tran jailed Brad Corrigan. Outside court, a spokeswoman for the Securities and Investments '
        'Commission said he was banned. "Advisers hold enormous trust," she said.',
        [("Advisers hold enormous trust", "a spokeswoman for the Securities and Investments Commission")]),
    "lone_first_name_opening_with_a_role": (
        'Oksana, a nurse at the port hospital, stops to buy fish. "We count people here," she says. Toward the end, '
        'Ann Lee put the question: "So what would a good deal look like?"',
        [("We count people here", "Oksana"), ("So what would a good deal look like?", "Ann Lee")]),
    "party_tag_before_an_appositive": (
        'Sen. Ann Cole, D-N.H., the top Democrat on the panel, said in a post on X that any deal "that rewards '
        'aggression invites more."',
        [("that rewards aggression invites more.", "Ann Cole")]),
    "single_quote_closing_before_a_conjunction": (
        "Fans call the medics ‘the Night Owls’ because they work after dark. ‘We are holding,’ said Callum Reid.",
        [("We are holding", "Callum Reid")]),
    "introduced_by_a_possessive_or_an_apposed_first_name": (
        'A reader in Dnipro, Serhii, has written in: "Sirens all night again." Later, Zarina Abdul\'s answer was '
        'blunt: "A frozen line."',
        [("Sirens all night again.", "Serhii"), ("A frozen line.", "Zarina Abdul")]),
    "pronoun_after_a_sentence_about_an_unnamed_person": (
        'Dmytro, 29, said the front held. A company commander was more succinct. "We are holding," he said.',
        [("We are holding", "a company commander")]),
    "the_role_without_its_team_name": (
        'ROVERS boss Gianni Moretti spoke first. Fans unfurled a banner, and the Rovers boss admitted he had seen it. '
        '"I understand the frustration," he said.',
        [("I understand the frustration", "Gianni Moretti")]),
    "an_opening_description_beats_a_later_one": (
        'A spokesperson for the Crop Alliance, an industry group, said the products were "rigorously assessed."',
        [("rigorously assessed.", "a spokesperson for the Crop Alliance")]),
    "council_and_clergy_titles_and_irish_particles": (
        'Cr Tom Fitz said rates must rise. Fr Seán Mac Giolla, the parish priest, said: "They built lives here." '
        '"We pray for them," Mac Giolla added.',
        [("They built lives here.", "Seán Mac Giolla"), ("We pray for them", "Seán Mac Giolla")]),
    "plural_possessive_and_tabloid_capitals_before_a_name": (
        'The Liberal Democrats\' Rhian ap Gwil asked: "Is there air cover?" DONALD Trump fumed: "Very bad timing!"',
        [("Is there air cover?", "Rhian ap Gwil"), ("Very bad timing!", "Donald Trump")]),
    "a_statement_speaks_for_its_institution": (
        'The European Union issued a statement on Monday. "Any peace must respect Ukraine," the statement said.',
        [("Any peace must respect Ukraine", "the European Union")]),
    "a_paper_title_after_a_comma": (
        'Their paper, "Heat memory in corals across bleaching events," appears today. Dr. Ana Lopes called the study '
        '"careful and important."',
        [("careful and important.", "Ana Lopes")]),
    "not_speech_is_skipped": (
        'Protesters held placards reading "No Yalta 2.0" and "Ukraine is not for sale." His memoir "Winter in '
        'Moscow" sold well. Critics dubbed it "weekend peace," and the "deal" stalled.',
        []),
}


@pytest.mark.parametrize("text, expected", PATTERNS.values(), ids=PATTERNS.keys())
def test_attribution_pattern(text, expected):
    assert found(text) == expected


def test_offsets_point_at_the_quoted_words_without_marks_or_trailing_comma():
    text = 'Intro.\n\n"We are closer than ever," Kaja Lind said, "but not there."\n'
    quotes = extract_quotes(text)
    assert [text[q.start:q.end] for q in quotes] == ["We are closer than ever", "but not there."]
    assert all(isinstance(q, Quote) for q in quotes)


def test_markdown_links_keep_offsets_and_give_their_label():
    text = '[Marta Kovalenko](#), a lawmaker, [said](https://example.org/x) it was "as much for Europe."'
    (quote,) = extract_quotes(text)
    assert quote.speaker == "Marta Kovalenko"
    assert text[quote.start:quote.end] == quote.text == "as much for Europe."


def test_a_quote_across_paragraphs_is_one_quote_spanning_them():
    text = 'Tamm spoke.\n\n"We signed in Minsk.\n\n"We will not sign again," Karl Tamm said.\n'
    (quote,) = extract_quotes(text)
    assert quote.text == "We signed in Minsk. We will not sign again"
    assert quote.speaker == "Karl Tamm"
    assert text[quote.start:quote.end] == 'We signed in Minsk.\n\n"We will not sign again'


def test_an_unclosed_quote_ends_with_its_paragraph():
    text = 'Kaja Lind said: "We are ready\n\nThe talks resume on Monday.\n'
    assert found(text) == [("We are ready", "Kaja Lind")]


def test_extraction_uses_only_re_and_dataclasses():
    tree = ast.parse((ROOT / "stance" / "quotes.py").read_text(encoding="utf-8"))
    imported = {alias.name for node in ast.walk(tree) if isinstance(node, ast.Import) for alias in node.names}
    imported |= {node.module for node in ast.walk(tree) if isinstance(node, ast.ImportFrom)}
    assert imported <= {"__future__", "re", "dataclasses"}


def gold_documents(name: str, splits: set[str]) -> list[dict]:
    """The documents of a gold file in the given splits, with their text."""
    documents = json.loads((GOLD / name).read_text(encoding="utf-8"))["documents"]
    for document in documents:
        if "path" in document:
            document["text"] = (GOLD / document["path"]).read_text(encoding="utf-8")
    return [document for document in documents if document["split"] in splits]


def test_seed_article_every_quote_and_speaker():
    (article,) = gold_documents("seed_article_gold.json", {"seed"})
    assert found(article["text"]) == [(q["text"], q["speaker"]) for q in article["quotes"]]


@pytest.mark.parametrize("document", gold_documents("passages_gold.json", {"dev", "unseen-then-fixed"}),
                         ids=lambda document: document["id"])
def test_gold_passage(document):
    # The 'unseen' passages are left to benchmarks/quote_extraction.py, so they keep measuring unseen text.
    assert found(document["text"]) == [(q["text"], q["speaker"]) for q in document["quotes"]]


@pytest.mark.parametrize("document", [*gold_documents("independent_gold.json", {"independent-then-fixed"}),
                                      *gold_documents("independent2_gold.json", {"independent-2-then-fixed"}),
                                      *gold_documents("independent3_gold.json", {"independent-3-then-fixed"}),
                                      *gold_documents("independent4_gold.json", {"independent-4-then-fixed"}),
                                      *gold_documents("independent5_gold.json", {"independent-5-then-fixed"}),
                                      *gold_documents("independent6_gold.json", {"independent-6-then-fixed"}),
                                      *gold_documents("independent7_gold.json", {"independent-7-then-fixed"}),
                                      *gold_documents("independent8_gold.json", {"independent-8-then-fixed"}),
                                      *gold_documents("independent9_gold.json", {"independent-9-then-fixed"}),
                                      *gold_documents("independent10_gold.json", {"independent-10-then-fixed"})],
                         ids=lambda document: document["id"])
def test_independent_passage(document):
    # Each set was first scored unseen (speaker accuracy 0.667, 0.800, 0.867, 0.868, 0.829, 0.861, 0.876, 0.891, 0.902, 0.915 exact), then fixed. Documents whose
    # remaining misses need more than the text's syntax (who "she" is, a speaker named only later) are left out.
    assert found(document["text"]) == [(q["text"], q["speaker"]) for q in document["quotes"]]
