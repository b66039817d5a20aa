"""Write the bundled sample in data/: an invented article (as text and as a page), a Reddit-style
comment export, and the target.

All text here is written by the project (no news text is copied). Seeded, so the files are the
same on every run: `make sample` regenerates them.
"""

from __future__ import annotations

import html
import json
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

DATA = Path(__file__).resolve().parent.parent / "data"
SEED = 20261125
PUBLISHED = datetime(2026, 3, 9, 8, 0, tzinfo=UTC)

TARGET = {
    "target": "Millbrook's decision to close Elm Street to cars and turn it into a pedestrian plaza",
    "aliases": [
        "Elm Street plaza",
        "the plaza",
        "the closure",
        "car-free Elm Street",
        "Mayor Ortiz",
        "Dana Ortiz",
        "city council",
    ],
    "opponents": ["Keep Elm Open", "Millbrook Business Alliance"],
}

ARTICLE = """\
Subscribe for unlimited access

Millbrook to close Elm Street to cars as council backs pedestrian plaza

By Jordan Pike, Staff Writer

Millbrook City Council voted 6-3 on Monday night to close four blocks of Elm Street to cars \
and turn the road into a pedestrian plaza, a plan that has split the town's 1990s-era \
shopping district.

“This is the most important change to downtown in a generation,” Mayor Dana Ortiz said after \
the vote. “We are giving the street back to the people who walk it every day.”

Transportation Director Sam Whitfield said the closure would begin on April 1 and that \
delivery trucks would keep access before 10 a.m.

“We studied traffic on the surrounding streets for eleven months. The detours add less than \
two minutes to the average trip.

“Buses keep their stops on Oak Avenue, and every parking space we remove is replaced in the \
Chestnut garage,” Whitfield told the council.

Not everyone was convinced. Rosa Delgado, who has run a bakery on Elm Street since 2004, \
warned that many of her customers drive in from the farms outside town.

“If they can't park in front of the shop, they won't come,” Delgado said. “I've seen this \
happen in other towns. The 'plaza' turns into an empty square and the shops close one by one.”

The Millbrook Business Alliance, which organised the "Keep Elm Open" petition, said in a \
statement: “The council has ignored the owners who will pay for this experiment. We will ask \
the county to review the decision.”

Dr. Priya Raman, a professor of urban planning at Eastfield University, said the research on \
car-free streets was mostly encouraging.

“Foot traffic usually rises within a year, and retail sales tend to follow,” Raman said. \
“But the first six months are hard for small shops, and cities that offer no help during \
that period lose some of them.”

Council member Greg Hollis, who voted against the plan, called it rushed.

“We are closing a main street on the strength of one consultant’s report,” he said. “I would \
have waited for a full season of data.”

Residents were just as divided online. On the city’s Facebook page, one commenter wrote: \
“Finally! My kids can walk to the library without dodging delivery vans.”

Another was less impressed, writing: “Great, so now the rest of us sit in traffic on Oak \
Avenue so a few people can drink coffee outside.”

A third reply summed up the mood of many shop owners:

“Nobody asked the people who actually work on Elm Street. Shame on the council.”

Ortiz said the city would review the plaza after one year and publish monthly counts of \
visitors and sales tax receipts.

“If the numbers tell us we got it wrong, we will change course,” she said. “But I don’t \
think they will.”

Photo: Elm Street on a Saturday morning. (Millbrook Herald)

Share on Facebook  Share on X  Copy link
"""

FAVOR = [
    "Finally a street where kids can walk safely. Thank you Mayor Ortiz!",
    "I support the plaza 100%. Downtown needs more people and fewer cars.",
    "Proud of our city council for doing something bold for once.",
    "Walked down Elm today and it already feels calmer. Great decision!",
    "The Elm Street plaza is the best thing to happen to this town in years 😍",
    "Well done council. Every town that did this saw more shoppers, not fewer.",
    "Good call. The detour is two minutes, people will survive.",
    "Love this!! Car-free Elm Street means I will actually shop downtown again.",
    "I stand with the mayor on this one. Cities are for people.",
    "Keep Elm Open is just a few loud business owners. The plaza is a good idea.",
    "This is exactly what downtown needed. Can't wait for the summer markets.",
    "Smart move. Fewer cars, cleaner air, happier people.",
]
AGAINST = [
    "Terrible decision. The closure will kill the small shops on Elm.",
    "Shame on the council. Nobody asked the people who work there.",
    "The plaza is a disaster waiting to happen. Recall Mayor Ortiz!",
    "I won't be driving downtown anymore. Where am I supposed to park??",
    "What a waste of money. Reopen Elm Street now.",
    "RIDICULOUS. They closed the only road that worked in this town.",
    "Sign the Keep Elm Open petition! This closure is a mistake.",
    "The city council ignored every business owner. Disgraceful.",
    "My commute is twice as long now. Thanks for nothing, city council 🙄",
    "Another pointless experiment paid for by taxpayers. Vote them out.",
    "The plaza will be empty by November, mark my words.",
    "Bad idea, badly planned, badly explained. Typical.",
]
NEUTRAL = [
    "Does anyone know if the farmers market is moving to the plaza?",
    "When does the closure start, April 1?",
    "Which blocks exactly are closed? Is the bank still reachable?",
    "Will the buses still stop on Oak Avenue?",
    "Curious to see the visitor numbers after a few months.",
    "Is the Chestnut garage free on weekends?",
    "Posting the map from the city site for anyone looking for the detour.",
    "Has anyone asked the fire department about access?",
]
REPLIES = {
    "favor": ["Agreed!", "Exactly this.", "Couldn't agree more, it's great.", "Yes! Love it."],
    "against": ["Nope, this is wrong.", "Totally disagree, it's a mess.", "Absolutely not."],
    "neutral": ["Source?", "Any update on this?", "Asking the same thing."],
}
OPENERS = [
    "",
    "",
    "",
    "Honestly, ",
    "As someone who lives off Maple Road: ",
    "Hot take: ",
    "Been thinking about this all week. ",
    "My two cents: ",
    "lol ",
    "Look, ",
]
CLOSERS = ["", "", "", " Just saying.", " 👍", " Unbelievable.", "!!", " We'll see.", " #Millbrook"]
AUTHORS = [f"{a}_{b}" for a in ("elm", "river", "oak", "maple", "north", "cedar") for b in range(8)]


def comments(rng: random.Random) -> list[dict[str, object]]:
    """About 300 Reddit-style comments over three days, with reply threads and a few empty ones."""
    pools = {"favor": FAVOR, "against": AGAINST, "neutral": NEUTRAL}
    rows: list[dict[str, object]] = []
    start = PUBLISHED + timedelta(hours=1)
    for n in range(300):
        posted = start + timedelta(minutes=int(rng.expovariate(1 / 180) + n * 12))
        side = rng.choices(["favor", "against", "neutral"], weights=[4, 5, 2])[0]
        parent = rng.choice(rows) if rows and rng.random() < 0.3 else None
        body = rng.choice(REPLIES[side] if parent else pools[side])
        if not parent:
            body = rng.choice(OPENERS) + body + rng.choice(CLOSERS)
        if n in (57, 181):
            body = ""  # deleted comments exist in every real export; the importer must count them
        rows.append(
            {
                "id": f"c{n:04d}",
                "author": rng.choice(AUTHORS),
                "body": body,
                "created_utc": int(posted.timestamp()),
                "parent_id": f"t1_{parent['id']}" if parent else "t3_elm01",
                "link_id": "t3_elm01",
                "subreddit": "Millbrook",
                "score": rng.randint(-5, 60),
            }
        )
    return rows


def article_html(text: str) -> str:
    """The same article as a news page: site chrome in nav/footer, a dated meta tag, a caption."""
    paragraphs = [p.strip() for p in text.split("\n\n") if p.strip()]
    title, byline = paragraphs[1], paragraphs[2]
    body = "\n".join(f"<p>{html.escape(p, quote=False)}</p>" for p in paragraphs[3:-2])
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{html.escape(title)}</title>
<meta property="article:published_time" content="{PUBLISHED.isoformat()}">
</head><body>
<nav><a href="/">Millbrook Herald</a> <a href="/subscribe">{html.escape(paragraphs[0])}</a></nav>
<main><article>
<h1>{html.escape(title)}</h1>
<p class="byline">{html.escape(byline)}</p>
{body}
<figure><img src="elm.jpg" alt=""><figcaption>{html.escape(paragraphs[-2])}</figcaption></figure>
</article></main>
<footer>{html.escape(paragraphs[-1])}</footer>
</body></html>
"""


def main() -> None:
    rng = random.Random(SEED)
    DATA.mkdir(exist_ok=True)
    (DATA / "sample_article.txt").write_text(ARTICLE, encoding="utf-8")
    (DATA / "sample_article.html").write_text(article_html(ARTICLE), encoding="utf-8")
    (DATA / "sample_target.json").write_text(json.dumps(TARGET, indent=2) + "\n", encoding="utf-8")
    lines = [json.dumps(r, ensure_ascii=False) for r in comments(rng)]
    (DATA / "sample_comments.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
