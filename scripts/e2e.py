#!/usr/bin/env python3
"""End-to-end browser test of a council sitting, in headless Debian Chromium driven by Selenium.

Against a running `communs serve --demo` (BASE) whose mail transport writes into OUTBOX, a Juvignac agent
prepares a sitting, convenes its members; the convened member opens the personal link of the e-mail found
in the outbox, reads the project (PDF), annotates it and answers; the agent records the attendance (which
the answer prefilled) and the vote; the register extract shows the counts.

Usage: e2e.py BASE OUTBOX. Exit status 0 when every step passed; otherwise the failing step on stderr.
"""

import datetime
import email
import email.policy
import pathlib
import re
import sys
import time

from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.common.exceptions import WebDriverException
from selenium.webdriver.support.ui import Select, WebDriverWait

PASSWORD = "communs-demo-2026"
AGENT = "agent@juvignac.demo.communs.fr"
ELECTED = "elu@juvignac.demo.communs.fr"


def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=fr-FR"):
        options.add_argument(argument)
    return webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)


def fill(driver, field_id, value):
    element = driver.find_element(By.ID, field_id)
    element.clear()
    element.send_keys(value)


def replaced(element):
    """Whether the page holding `element` was replaced (Chromium reports it stale, or gone from the document)."""
    try:
        element.tag_name
        return False
    except WebDriverException:
        return True


def loaded(driver):
    """Whether the current page finished loading (False while a redirect is still replacing it)."""
    try:
        return driver.execute_script("return document.readyState") == "complete"
    except WebDriverException:
        return False


def submit(driver, form_action_suffix):
    """Submits the form whose action ends with the suffix, with its submit button (as a person would),
    and waits for the next page to replace this one."""
    buttons = driver.find_elements(By.CSS_SELECTOR, f"form[action$='{form_action_suffix}'] button[type=submit]")
    assert buttons, f"no form posting to …{form_action_suffix} on {driver.current_url}"
    page = driver.find_element(By.TAG_NAME, "html")
    buttons[0].click()
    wait = WebDriverWait(driver, 20)
    wait.until(lambda _: replaced(page))
    wait.until(loaded)


def expect(driver, text):
    body = driver.find_element(By.TAG_NAME, "body").text
    assert text in body, f"« {text} » missing from {driver.current_url}:\n{body[:3000]}"


def login(driver, base, who):
    driver.get(f"{base}/connexion")
    fill(driver, "email", who)
    fill(driver, "password", PASSWORD)
    submit(driver, "/connexion")


def main(base, outbox):
    sitting_day = datetime.date.today() + datetime.timedelta(days=30)
    agent = browser()
    try:
        login(agent, base, AGENT)
        # The convened member: a councillor reachable at the demo elected member's address.
        agent.get(f"{base}/juvignac/assemblees")
        council = agent.find_element(By.XPATH, "//h2[text()='Conseil municipal']").get_dom_attribute("id").split("-")[-1]
        fill(agent, f"nom-{council}", "Mme ÉLUE")
        fill(agent, f"courriel-{council}", ELECTED)
        fill(agent, f"debut-{council}", "2026-01-01")
        submit(agent, f"/assemblees/{council}/membres")

        agent.get(f"{base}/juvignac/seances")
        Select(agent.find_element(By.ID, "assemblee")).select_by_visible_text("Conseil municipal")
        fill(agent, "date", sitting_day.isoformat())
        fill(agent, "heure", "18:30")
        fill(agent, "lieu", "Salle du conseil municipal")
        fill(agent, "president", "M. SAVY")
        submit(agent, "/juvignac/seances")
        expect(agent, "Séance créée")
        sitting_url = agent.current_url.split("?")[0]

        fill(agent, "objet", "Tarifs de la médiathèque")
        fill(agent, "rapporteur", "Mme VIGNERON")
        fill(agent, "texte", "Les tarifs évoluent au 1er janvier.")
        fill(agent, "note", "Hausse de 2 %, la première depuis 2019.")
        fill(agent, "dispositif", "D'APPROUVER les nouveaux tarifs.")
        submit(agent, "/projets")
        expect(agent, "Projet inscrit à l'ordre du jour.")
        submit(agent, "/convocations")
        expect(agent, "convocation(s) envoyée(s).")

        # The e-mail reaches the outbox (the job worker delivers it), with its invitation.
        deadline = time.time() + 30
        messages = []
        while time.time() < deadline and not messages:
            messages = sorted(pathlib.Path(outbox).glob("*.eml"))
            time.sleep(0.5)
        assert messages, f"no e-mail in {outbox}"
        message = email.message_from_bytes(messages[-1].read_bytes(), policy=email.policy.default)
        assert "Convocation" in message["Subject"], message["Subject"]
        assert ELECTED in message["To"], message["To"]
        calendars = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
        assert calendars and "BEGIN:VEVENT" in calendars[0].get_content(), "the iCalendar invitation"
        text = message.get_body(preferencelist=("plain",)).get_content()
        link = re.search(r"https?://\S+/convocations/[0-9a-f]{64}", text).group(0)

        member = browser()
        try:
            member.get(link)
            expect(member, "vous êtes convoqué(e)")
            expect(member, "Tarifs de la médiathèque")
            pdf = member.find_element(By.PARTIAL_LINK_TEXT, "projet de délibération").get_dom_attribute("href")
            member.get(pdf if pdf.startswith("http") else base + pdf)
            member.get(link)
            fill(member, "page-annotation", "1")
            fill(member, "note", "Demander le bilan de fréquentation.")
            submit(member, "/annotations")
            expect(member, "page 1 : Demander le bilan de fréquentation.")
            member.find_element(By.ID, "rep-present").click()
            submit(member, "/reponse")
            expect(member, "Demander le bilan")
        finally:
            member.quit()

        agent.get(sitting_url)
        expect(agent, "Présent(e)")
        submit(agent, "/presences")
        expect(agent, "Présences et pouvoirs enregistrés.")
        voters = re.search(r"Votants à l.ouverture : (\d+)", agent.find_element(By.TAG_NAME, "body").text).group(1)
        submit(agent, "/projets/1/vote")
        expect(agent, "Vote enregistré : délibération n°")
        number = re.search(r"délibération n° (\S+)\.", agent.find_element(By.TAG_NAME, "body").text).group(1)
        agent.get(f"{base}/juvignac/deliberations/{number}/extrait.html")
        expect(agent, f"Délibération n° {number}")
        expect(agent, f"Votants : {voters}")
        expect(agent, f"Pour : {voters} voix")
        expect(agent, "adoptée à l'unanimité")
    finally:
        agent.quit()
    print(f"e2e: sitting of {sitting_day}, deliberation {number} adopted by {voters} voters")


if __name__ == "__main__":
    try:
        main(sys.argv[1].rstrip("/"), sys.argv[2])
    except AssertionError as failure:
        print(f"e2e failed: {failure}", file=sys.stderr)
        sys.exit(1)
