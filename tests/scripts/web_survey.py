#!/usr/bin/python3
"""The survey page in the customer's words and language, over HTTP against a real `cvom
serve`: a link made in German from the account page's form, the page's <html lang> and texts
in that language with the respondent texts of the statements (never the internal ones), the
browser's Accept-Language when the link has none, a language link on the page, a language a
team imported with some texts only (the rest in English, each text on its own), drafts saved
as the customer goes (same origin only, resumed on the next visit, counting nowhere until
sent), the plain form post without a script, a comment bounded and shown escaped on the
account page, and the link gone once used.
    usage: web_survey.py PATH/TO/cvom"""
import html
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "web"))
import harness  # noqa: E402

CHECKS = harness.Checks()
check = CHECKS.check
section = harness.sections(CHECKS)

GERMAN_INT01 = ("Ihre Fachleute wissen über unseren Markt Dinge, die unsere eigenen "
                "Mitarbeiter nicht wissen.")
FRENCH_INT01 = "Vos spécialistes connaissent des aspects de notre marché que nos propres équipes"
ENGLISH_INT01 = "Your specialists know things about our market that our own people do not."
INTERNAL_INT01 = "Our specialists know things about this customer"


def page_lang(text):
    m = re.search(r'<html lang="([^"]*)"', text)
    return m.group(1) if m else None


def survey_link(c, account, stakeholder, language=""):
    """A new survey link from the account page's form, as its path."""
    page = c.get("/accounts/%s" % account)
    r = c.post("/accounts/%s/survey" % account,
               {"csrf": harness.csrf_of(page.text) or "", "stakeholder": stakeholder,
                "days": "7", "language": language})
    m = re.search(r'value="https?://[^"/]+(/survey/[A-Za-z0-9_-]+)"', r.text)
    check(r.status == 200 and m, "a survey link is made (language %r)" % language, r.status)
    return m.group(1) if m else "/survey/none-made-here-xx"


def answers(n, value="5"):
    """A form answering the first n statements of the default instrument."""
    codes = ["INT01", "INT02", "INT03", "INT04", "EMO01", "EMO02", "EMO03", "EMO04", "PRC01",
             "PRC02", "PAS01", "RES01", "SEC01", "CRE01", "TRU01"]
    return {"i_" + code: value for code in codes[:n]}


def assessments(db, account):
    return harness.db_rows(db, "SELECT count(*) FROM assessments WHERE account_id = ?",
                           (account,))[0][0]


def run(fx):
    db = fx.copy("survey.db")
    account = fx.own[0]
    people = fx.stakeholders(db, account)
    es = os.path.join(fx.dir, "es.csv")
    with open(es, "w", encoding="utf-8") as f:
        f.write("# lang: es\n# name: Español\nkey,text\npage.title,Su opinión sobre nuestra "
                "colaboración\nitem.INT01,Sus especialistas conocen nuestro mercado mejor que "
                "nuestra propia gente.\n")
    harness.run(fx.cvom, db, "instrument", "import", es)
    with harness.Server(fx.cvom, db) as srv:
        c = srv.client()
        check(c.signin("priya").status == 303, "the manager signs in")
        page = c.get("/accounts/%s" % account)
        langs = re.findall(r'<option value="([a-z-]*)">', page.text.split('id="sv-lang"')[-1]
                           .split("</select>")[0])
        check(langs == ["", "en", "de", "fr", "es"], "the link form offers the languages",
              langs)
        r = c.post("/accounts/%s/survey" % account,
                   {"csrf": harness.csrf_of(page.text) or "", "stakeholder": people[0]["id"],
                    "days": "7", "language": "xx"})
        check(r.status == 422, "a language the questionnaire lacks is refused", r.status)

        german(fx, db, srv, c, account, people)
        browsers(srv, c, account, people)
        imported(srv, c, account, people)
        gone(srv)
        harness.server_ended_cleanly(CHECKS, srv, "survey server")


@section
def german(fx, db, srv, c, account, people):
    link = survey_link(c, account, people[0]["id"], "de")
    customer = srv.client()
    r = customer.get(link, headers={"Accept-Language": "fr"})
    t = r.text
    check(r.status == 200 and page_lang(t) == "de", "the link's language wins over the "
          "browser's", r.status, page_lang(t))
    check(html.escape(GERMAN_INT01, quote=False) in t or GERMAN_INT01 in t,
          "the German respondent text of INT01")
    check(INTERNAL_INT01 not in t and ENGLISH_INT01 not in t,
          "neither the internal statement nor the English text")
    for german_text in ("Einige Fragen an", "Kann ich nicht beurteilen", "Meine Antworten absenden",
                        "Möchten Sie uns noch etwas mitteilen?", "Zum Inhalt springen",
                        "Fachwissen, Erkenntnisse und Netzwerke", "0 von 30 beantwortet"):
        check(german_text in t, "German text on the page: %s" % german_text)
    check("Can\u2019t say" not in t and "Send my answers" not in t, "no English left")
    check('data-draft="%s/draft"' % link in t, "the form says where drafts go")

    # A draft: same origin only; saved, shown again, and counted nowhere.
    before = assessments(db, account)
    draft = dict(answers(6), i_EMO03="", comment="Bisher <b>gut</b>")
    r = customer.post(link + "/draft", draft, origin=None)
    check(r.status == 403, "a draft without an Origin is refused", r.status)
    r = customer.post(link + "/draft", draft, origin="http://evil.example")
    check(r.status == 403, "a draft from another origin is refused", r.status)
    r = customer.post(link + "/draft", draft)
    check(r.status == 200 and r.json().get("answered") == 6, "a draft is saved", r.status,
          r.text[:200])
    check(assessments(db, account) == before, "a draft is no assessment")
    t = customer.get(link).text
    check(len(re.findall(r'value="5" checked', t)) == 6, "the six answers come back checked")
    check(len(re.findall(r'value="" checked', t)) == 1, "and the one \u201ccan't say\u201d")
    check("Bisher &lt;b&gt;gut&lt;/b&gt;</textarea>" in t, "the comment comes back, escaped")
    check("6 von 30 beantwortet" in t, "the progress counts the draft")
    r = customer.post(link + "/draft", {"comment": "x" * 2001})
    check(r.status == 413, "a draft with a comment past 2,000 characters is refused", r.status)

    # Too few answers: the page again, in German, with what was sent.
    r = customer.post(link, dict(answers(2), comment="kurz", lang="de"))
    check(r.status == 422 and page_lang(r.text) == "de" and "Bitte beantworten Sie mindestens"
          in r.text, "too few answers are explained in German", r.status)
    check("kurz</textarea>" in r.text and len(re.findall(r'value="5" checked', r.text)) == 2,
          "the answers and comment sent stay on the page")
    r = customer.post(link, dict(answers(12), comment="é" * 2001, lang="de"))
    check(r.status == 422 and "länger als 2000 Zeichen" in r.text,
          "a comment past 2,000 characters is refused", r.status)

    # Sent without a script: every answer in one plain post, the comment kept.
    comment = "Sehr zufrieden <script>alert(1)</script> & \"mehr\"\nZweite Zeile"
    r = customer.post(link, dict(answers(12), comment=comment, lang="de"))
    check(r.status == 200 and page_lang(r.text) == "de" and "Vielen Dank" in r.text,
          "the answers are sent and thanked for in German", r.status)
    check(assessments(db, account) == before + 1, "one assessment more")
    rows = harness.db_rows(db, "SELECT draft, draft_comment, language FROM survey_links "
                               "WHERE used <> 0 AND language = 'de'")
    check(rows and rows[0][0] == "" and rows[0][1] == "", "the draft is dropped once sent", rows)
    a = c.get("/accounts/%s" % account).text
    check("Sehr zufrieden &lt;script&gt;alert(1)&lt;/script&gt; &amp; " in a and
          "\nZweite Zeile</blockquote>" in a, "the account page shows the comment escaped")
    check("<script>alert(1)</script>" not in a, "never the comment's markup")
    r = customer.get(link, headers={"Accept-Language": "de"})
    check(r.status == 404 and page_lang(r.text) == "de" and "nicht gültig" in r.text,
          "the used link is gone, said in German", r.status)
    r = customer.post(link + "/draft", answers(3))
    check(r.status == 404, "no draft for a used link", r.status)


@section
def browsers(srv, c, account, people):
    link = survey_link(c, account, people[1]["id"])
    customer = srv.client()
    for header, want in (("fr-CH, de;q=0.5", "fr"), ("de-AT", "de"), ("es;q=0, de;q=0.2", "de"),
                         ("it, nl", "en"), (None, "en"), ("fr;q=abc, de;q=0.1", "de")):
        t = customer.get(link, headers={"Accept-Language": header} if header else None).text
        check(page_lang(t) == want, "Accept-Language %r gives %s" % (header, want),
              page_lang(t))
    t = customer.get(link, headers={"Accept-Language": "fr"}).text
    check(FRENCH_INT01 in t and "Je ne sais pas" in t, "the French texts")
    t = customer.get(link + "?lang=de", headers={"Accept-Language": "fr"}).text
    check(page_lang(t) == "de" and 'hreflang="fr"' in t, "a language link of the page wins")


@section
def imported(srv, c, account, people):
    link = survey_link(c, account, people[2 % len(people)]["id"], "es")
    t = srv.client().get(link).text
    check(page_lang(t) == "es", "a language a team imported", page_lang(t))
    check("<title>Su opinión sobre nuestra colaboración" in t, "its page title")
    check("Sus especialistas conocen nuestro mercado" in t, "its text of INT01")
    check("We ask for your advice before making technical" in t,
          "the statement it lacks in English, not blank")
    check("A few questions for" in t and "Can\u2019t say" in t,
          "the page texts it lacks in English")


@section
def gone(srv):
    customer = srv.client()
    r = customer.get("/survey/" + "A" * 40, headers={"Accept-Language": "fr"})
    check(r.status == 404 and page_lang(r.text) == "fr" and "n\u2019est pas valide" in r.text,
          "an unknown link answers 404 in the browser's language", r.status)
    r = customer.post("/survey/" + "A" * 40 + "/draft", answers(1))
    check(r.status == 404, "no draft for an unknown link", r.status)


if __name__ == "__main__":
    harness.run_sections(CHECKS, "web_survey", run)
