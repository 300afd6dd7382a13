"""Makes what the browser tests of the nightly export open, through the real programs only.

The real werkex-server (demo school) on a fresh data folder; an admin token from
werkex-admin; `werkex-admin nightly` with the day-one roster fixture, which imports the
roster and prints the enrolment letters; the demo pupil Sem's phone (the werkex device CLI)
writing one whole cycle — why, preparation, an experience with two photos (one marked as
showing other people), a reflection and a next step — and syncing; his mentor's comment and
his supervisor's sign-off from their own devices; then `werkex-admin nightly --export`.

The photos are real JPEG files made by Chromium's encoder (werkex_browser.Browser.make_jpeg).
Everything goes into --work (emptied first); <work>/world.json says where the pages are and
what they must show, for portfolio_test.py and letters_test.py.
"""

import argparse
import datetime
import json
import os
import shutil

import werkex_browser as wb

# What Sem writes; the portfolio test looks for it on the page.
TEXT = {
    "title": "Keuken van Bistro Noord",
    "builds_on": "Ik kook thuis graag voor mijn zusje",
    "want_to_find_out": "Hoe laat begint de dag in een keuken?",
    # Escaping (<, &); a pasted link and a long Dutch word, which must still fit a phone.
    "note": "Ik mocht de saus maken & proeven <heet!> Route: "
            "https://maps.app.goo.gl/Xk7bQ2vRt9pLmN4sZ8wYhJ3cD6fG. De chef had het over de "
            "arbeidsongeschiktheidsverzekeringsmaatschappij.",
    "caption_shown": "Mijn werkplek",
    "caption_others": "Met de koks",
    "red_thread": "Ik werk graag met mijn handen en snel",
    "next_step": "Een meeloopdag bij een grotere keuken",
    "comment": "Mooi gekozen, Sem!",
    "assessment": "Werkt netjes en vraagt door",
}


def nightly(admin, server, token_file, work, run, *args):
    """`werkex-admin nightly` against the running server; returns its report."""
    report = os.path.join(work, "nightly-%d.json" % run)
    wb.run_tool([admin, "nightly", "--server", server.admin_url, "--token-file", token_file,
                 "--report", report] + list(args))
    with open(report, encoding="utf-8") as f:
        return json.load(f)


def find_portfolio(folder, user):
    """The portfolio.html next to the dossier.json of pupil `user` in the export folder."""
    for parent, _dirs, files in os.walk(folder):
        if "portfolio.html" in files and "dossier.json" in files:
            with open(os.path.join(parent, "dossier.json"), encoding="utf-8") as f:
                if json.load(f)["pupil"]["id"] == user:
                    return os.path.join(parent, "portfolio.html")
    raise wb.SetupError("no portfolio.html for %s under %s" % (user, folder))


def make_world(args):
    work = os.path.abspath(args.work)
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    photos = {"shown": os.path.join(work, "werkplek.jpg"),
              "others": os.path.join(work, "met-de-koks.jpg")}
    with wb.Browser(os.path.join(work, "unused-screenshots")) as browser:
        # Landscape and portrait, so the test can tell from the thumbnail which one it sees.
        with open(photos["shown"], "wb") as f:
            f.write(browser.make_jpeg(800, 600, 20))
        with open(photos["others"], "wb") as f:
            f.write(browser.make_jpeg(480, 800, 200))

    with wb.ServerProcess(args.server, os.path.join(work, "server")) as server:
        if not server.admin_url:
            raise wb.SetupError("the server opened no admin listener")
        token_file = os.path.join(work, "admin.token")
        token = wb.run_tool([args.admin, "--data", server.data_dir, "admin-token", "browser"])
        with open(os.open(token_file, os.O_WRONLY | os.O_CREAT, 0o600), "w") as f:
            f.write(token.strip() + "\n")
        letters = os.path.join(work, "letters")
        first = nightly(args.admin, server, token_file, work, 1,
                        "--export", "--roster", args.roster, "--letters", letters)

        def device(name, who):
            phone = wb.Device(args.cli, os.path.join(work, name + ".db"))
            phone.ok("init", "--server", server.url)
            return phone, phone.ok_json("enroll", server.codes[who])["user"]

        sem, sem_id = device("sem", "Sem")
        mentor, _ = device("mentor", "Mevrouw Jansen")
        ans, _ = device("ans", "Ans Bakker")

        today = datetime.datetime.now(datetime.timezone.utc)
        yesterday = (today - datetime.timedelta(days=1)).strftime("%Y-%m-%dT09:30:00Z")
        activity = sem.ok("activity", "--kind", "snuffelstage", "--title", TEXT["title"],
                          "--builds-on", TEXT["builds_on"])
        # In his placement: what Ans sees of his dossier (server/app/pupil_view.hpp).
        sem.ok_json("sync")
        placement = sem.ok_json("list", "placement")[0]["id"]
        sem.ok("put", "--json", json.dumps({"id": activity, "placement": placement}))
        sem.ok("prepare", "--activity", activity, "--want-to-find-out", TEXT["want_to_find_out"],
               "--verb", "uitproberen")
        experience = sem.ok("experience", "--activity", activity, "--at", yesterday,
                            "--note", TEXT["note"], "--emotion", "trots")
        sem.ok("attach", experience, photos["shown"], "--caption", TEXT["caption_shown"])
        others = sem.ok("attach", experience, photos["others"],
                        "--caption", TEXT["caption_others"]).split()[0]
        sem.ok("put", "--json", json.dumps({"id": others, "shows_others": True}))
        reflection = sem.ok("reflect", "--experience", experience, "--with", "mentor",
                            "--quality", "snel", "--motive", "samenwerken",
                            "--red-thread", TEXT["red_thread"])
        sem.ok("next-step", "--reflection", reflection, "--description", TEXT["next_step"],
               "--action", "uitproberen")
        sem.ok_json("sync")
        mentor.ok_json("sync")
        mentor.ok("comment", "--on", experience, "--body", TEXT["comment"])
        mentor.ok_json("sync")
        ans.ok_json("sync")
        ans.ok("sign", experience, "--date", today.strftime("%Y-%m-%d"), "--hours", "6",
               "--attendance", "aanwezig", "--assessment", TEXT["assessment"])
        ans.ok_json("sync")

        second = nightly(args.admin, server, token_file, work, 2, "--export", "--roster",
                         args.roster)
        if second["export"].get("failed"):
            raise wb.SetupError("the export failed for: %s" % second["export"]["failed"])
        portfolio = find_portfolio(second["export"]["folder"], sem_id)

    world = {
        "portfolio": portfolio,
        "pupil": "Sem",
        "text": TEXT,
        "letters_dir": letters,
        "new_people": first["roster"]["new_people"],
    }
    with open(os.path.join(work, "world.json"), "w", encoding="utf-8") as f:
        json.dump(world, f, indent=1, ensure_ascii=False)
    print("world.json written; portfolio: %s; letters: %s" % (portfolio, letters))
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--server", required=True, help="the werkex-server binary")
    parser.add_argument("--cli", required=True, help="the werkex device CLI binary")
    parser.add_argument("--admin", required=True, help="the werkex-admin binary")
    parser.add_argument("--roster", required=True, help="a OneRoster fixture folder")
    parser.add_argument("--work", required=True, help="where everything goes (emptied first)")
    args = parser.parse_args()
    wb.main(lambda: make_world(args))


if __name__ == "__main__":
    main()
