"""Every figure of the brochure is served, with its source, through the real action.

The questions here are our own wording; the expected texts are read from knowledge/, so a
corrected figure in YAML needs no change here.
"""
import asyncio

import pytest

import actions.knowledge.store as store_module
from actions.answer import ActionAnswer
from actions.knowledge.numbers import numbers_in
from tests.helpers import run_action

# (question, acceptable entry ids, a number that must be in the reply)
BROCHURE_FIGURES = [
    ("Hoeveel slachtoffers van mensenhandel zijn er naar schatting per jaar in Nederland?",
     ["mh_slachtoffers_schatting_2017"], 7500),
    ("Hoeveel slachtoffers van arbeidsuitbuiting of criminele uitbuiting zijn er?",
     ["mh_slachtoffers_arbeid_crimineel"], 1400),
    ("Hoeveel minderjarigen zijn slachtoffer van binnenlandse seksuele uitbuiting?",
     ["mh_minderjarigen_seksuele_uitbuiting"], 1300),
    ("Hoeveel daders worden jaarlijks veroordeeld voor mensenhandel?",
     ["mh_veroordeelde_daders_per_jaar"], 130),
    ("Welk percentage van de gedagvaarde verdachten van mensenhandel wordt veroordeeld?",
     ["mh_veroordelingen_aandeel"], 75),
    ("Hoe lang is de gemiddelde gevangenisstraf voor mensenhandel?",
     ["mh_gemiddelde_gevangenisstraf"], 10),
    ("Hoeveel kinderen in Nederland hebben lichamelijk seksueel geweld meegemaakt?",
     ["sgk_een_op_drie_kinderen"], 3),
    ("Hoeveel procent van de jongens heeft voor zijn 18e fysiek seksueel geweld meegemaakt?",
     ["sgk_jongens_fysiek_voor_18"], 17),
    ("Hoeveel procent van de meisjes heeft voor haar 18e fysiek seksueel geweld meegemaakt?",
     ["sgk_meisjes_fysiek_voor_18"], 48),
    ("Hoeveel jongens vertellen aan niemand over seksueel geweld?",
     ["sgk_jongens_vertellen_niemand"], 36),
    ("Hoeveel meisjes vertellen aan niemand over seksueel geweld?",
     ["sgk_meisjes_vertellen_niemand"], 25),
    ("Hoe vaak is de pleger van seksueel geweld tegen kinderen een bekende van het kind?",
     ["sgk_daders_bekende"], 77),
    ("Hoe vaak is de dader van seksueel geweld tegen een kind een leeftijdsgenoot?",
     ["sgk_daders_leeftijdsgenoot"], 46),
    ("Hoeveel kinderen in gesloten jeugdhulp kregen die hulp door seksueel geweld?",
     ["sgk_gesloten_jeugdhulp_2016"], 40),
    ("Hoeveel kinderen met een beschermingsmaatregel kregen na een half jaar nog geen hulp?",
     ["sgk_geen_hulp_na_half_jaar"], 15),
    ("Hoeveel geld wordt er wereldwijd verdiend aan mensenhandel?",
     ["quote_blok"], 136),
    ("Hoeveel studies vond de systematic review over de aanpak van mensenhandel?",
     ["quote_van_der_laan"], 144),
    ("Hoeveel gemeenten dachten in 2017 dat mensenhandel bij hen niet voorkwam?",
     ["aanpak_gemeenten_onderzoek_2017"], 2017),
    ("Wanneer moeten alle gemeenten beleid over mensenhandel hebben?",
     ["aanpak_gemeenten_beleid_2022", "aanpak_ibp_afspraken"], 2022),
]


@pytest.fixture(scope="module", autouse=True)
def real_knowledge():
    from actions.knowledge.store import KnowledgeStore, KNOWLEDGE_DIR

    original = store_module._default
    store_module._default = KnowledgeStore(KNOWLEDGE_DIR)
    yield store_module._default.get().kb
    store_module._default = original


@pytest.mark.parametrize("question,entry_ids,number", BROCHURE_FIGURES)
def test_brochure_figure_is_served_with_source(real_knowledge, question, entry_ids, number):
    kb = real_knowledge
    texts, _, _, _ = asyncio.run(run_action(ActionAnswer(), question, "ask_knowledge"))
    reply = "\n".join(t for t in texts if t)
    served = [i for i in entry_ids if i in kb.entries and kb.entries[i].text in reply]
    assert served, f"{question!r} kreeg: {reply[:300]!r}"
    entry = kb.entries[served[0]]
    assert f"Bron: {kb.sources[entry.source].citation}" in reply
    assert number in numbers_in(reply)
