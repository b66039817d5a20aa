"""Word lists the quote rules read, each under a versioned name recorded in the run manifest.

Change a list -> bump its version, so two outputs made with different lists can be told apart.
The cue verbs follow the reporting verbs of news style guides (AP: "said" first, then the
verbs that colour a statement) plus the social-media verbs reaction stories use.
"""

from __future__ import annotations

#: Reporting cues (lower case); multi-word cues are matched as phrases.
REPORTING_VERBS: frozenset[str] = frozenset(
    """
    said says say saying told tells telling added adds adding wrote writes writing
    commented comments commenting posted posts posting tweeted tweets tweeting
    stated states stating warned warns warning insisted insists insisting claimed claims
    claiming explained explains explaining noted notes noting asked asks asking
    replied replies replying responded responds responding answered answers argued argues
    arguing declared declares announced announces acknowledged acknowledges admitted admits
    recalled recalls continued continues concluded suggested suggests urged urges
    cautioned complained complains conceded countered quipped joked shouted yelled
    exclaimed remarked observed reported reports predicted promised vowed pledged
    boasted bragged lamented mused wondered thundered scoffed snapped charged alleged
    maintained contended agreed testified emailed texted recounted read reads
    yelled yells shouts screamed screams exclaims whispered whispers demanded demands
    sang sings chanted chants replies quips jokes warns recalls insists concedes
    """.split()
) | frozenset(
    {
        "according to",
        "waded in",
        "weighed in",
        "chimed in",
        "fired back",
        "hit back",
        "pointed out",
        "went on",
        "as per",
    }
)

#: Cues after which the next noun phrase is the listener, never the speaker ("told CNN").
LISTENER_CUES = frozenset({"told", "tells", "telling", "asked", "asks", "asking"})

#: Cues that source a claim rather than introduce a quotation; never a previous-paragraph intro.
WEAK_CUES = frozenset({"according to", "as per"})

#: Role -> cue words found in or next to a speaker mention (lower case, ``.`` kept).
ROLE_CUES: dict[str, frozenset[str]] = {
    "official": frozenset(
        """
        chief police officer officers sheriff deputy mayor governor gov. senator sen.
        representative rep. congressman congresswoman lawmaker lawmakers legislator
        councilman councilwoman councillor commissioner minister secretary president
        vice-president official officials prosecutor judge ambassador diplomat department
        agency administration government ministry nominee candidate trooper sergeant sgt.
        lieutenant lt. captain capt. detective superintendent dpd fbi ice pentagon
        congress senate statehouse county city-hall state-department authorities council
        general gen. sens. reps. attorney-general republican democrat democratic gop
        alderman alderwoman alderperson councilmember councilmembers assemblyman assemblywoman
        assemblymember legislators treasurer comptroller auditor clerk magistrate justice
        marshal constable inspector ranger firefighter premier chancellor mp envoy consul
        undersecretary regulator regulators supervisor district-attorney city-attorney
        county-attorney state-attorney us-attorney u.s.-attorney parliament legislature
        police-chief fire-chief press-secretary city-manager county-manager
        """.split()
    ),
    "organization": frozenset(
        """
        company firm group union organization organisation association foundation
        campaign party committee coalition nonprofit charity corporation ceo executive
        chair chairman chairwoman founder manager aide advocate advocates spokesperson spokesman
        spokeswoman representatives club alliance federation society league chamber
        coalition institute business-group trade-group lobby lobbyist lobbyists
        """.split()
    ),
    "expert": frozenset(
        """
        professor prof. expert experts analyst analysts researcher researchers economist
        scientist scholar historian lecturer academic specialist pollster strategist
        consultant fellow physician epidemiologist lawyer lawyers attorney attorneys
        """.split()
    ),
    "public": frozenset(
        """
        user users commenter commenters resident residents voter voters supporter supporters
        protester protesters parent parents neighbor neighbour citizen citizens fan fans
        customer customers bystander witness attendee attendees follower followers poster
        viewer viewers reader readers local locals student students social-media people
        reply replies comment comments person owner owners shopkeeper shopkeepers shopper
        shoppers baker farmer farmers driver drivers commuter commuters worker workers
        employee employees nurse nurses teacher teachers homeowner homeowners tenant tenants
        landlord retiree retirees widow widower mother father mom dad grandmother
        grandfather patient patients passenger passengers cyclist cyclists pedestrian
        pedestrians volunteer volunteers neighbors neighbours caller callers listener
        listeners audience-member shop-owner business-owner store-owner
        """.split()
    ),
    "media": frozenset(
        """
        reporter reporters journalist journalists correspondent editor editors columnist
        writer writers commentator commentators blogger bloggers
        anchor host newspaper outlet network cnn reuters msnbc nbc abc cbs bbc ap
        politico breitbart bloomberg npr axios huffpost times post journal guardian
        independent gazette herald tribune magazine radio news
        """.split()
    ),
}

#: Titles whose role follows the body served ("city manager" official, "campaign manager"
#: organisation); the value is the role when no body is named (None: the title alone does
#: not decide, so other words about the person may).
BODY_TITLES: dict[str, str | None] = {
    "director": "official",
    "head": None,
    "speaker": None,
    "manager": None,
    "chair": None,
    "chairman": None,
    "chairwoman": None,
    "chairperson": None,
    "president": "official",
    "secretary": "official",
    "administrator": "official",
    "spokesperson": "organization",
    "spokesman": "organization",
    "spokeswoman": "organization",
    "representative": "official",
    "representatives": "official",
    "lawyer": "expert",
    "lawyers": "expert",
    "attorney": "expert",
    "attorneys": "expert",
}

#: Bodies that make a director a scholar ("director of the Potsdam Institute").
RESEARCH_BODIES = frozenset(
    "university college institute institution center centre laboratory lab think-tank".split()
)

#: Modifiers that put a body-dependent title in a business ("executive director").
BUSINESS_MODIFIERS = frozenset("executive managing creative artistic marketing sales".split())

#: Two-word public offices read as one word ("district attorney" -> "district-attorney").
OFFICE_PHRASES: dict[str, str] = {
    "district attorney": "district-attorney",
    "city attorney": "city-attorney",
    "county attorney": "county-attorney",
    "state's attorney": "state-attorney",
    "state attorney": "state-attorney",
    "u.s. attorney": "u.s.-attorney",
    "us attorney": "us-attorney",
    "attorney general": "attorney-general",
    "police chief": "police-chief",
    "fire chief": "fire-chief",
    "press secretary": "press-secretary",
    "city manager": "city-manager",
    "county manager": "county-manager",
    "shop owner": "shop-owner",
    "business owner": "business-owner",
    "store owner": "store-owner",
    "audience member": "audience-member",
}

#: Nouns for what a member of the public writes online ("a third reply", "one post").
COMMENT_NOUNS = frozenset("reply replies comment comments post posts tweet tweets".split())

#: A relative clause about private life ("who has run a bakery since 2004"): a member of the
#: public, unless the clause names a body (then that body's role).
PRIVATE_LIFE_VERBS = frozenset(
    """
    own owns owned run runs ran manage manages managed live lives lived grew raised rent
    rents rented moved shop shops drive drives drove commute commutes work works worked
    farm farms farmed teach teaches taught volunteer volunteers opened
    """.split()
)

#: What a private owner runs ("who has run a bakery"); run/own/manage need one of these.
BUSINESS_NOUNS = frozenset(
    """
    shop shops store stores bakery restaurant cafe café bar pub business businesses farm
    salon garage diner pharmacy bookshop bookstore boutique hotel motel deli grocery
    """.split()
)

#: Words naming a written text that speaks for its author ("the note read").
DOCUMENT_NOUNS = frozenset(
    """
    note statement letter release post tweet email memo message notice filing document
    announcement advisory bulletin
    """.split()
)

#: Title words dropped from the front of a name ("Interim Chief Michael Igo" -> "Michael Igo").
TITLE_WORDS = frozenset(
    """
    interim acting former chief police officer sheriff deputy mayor governor gov. senator
    sen. representative rep. congressman congresswoman commissioner minister secretary
    president vice judge ambassador sergeant sgt. lieutenant lt. captain capt. detective
    superintendent professor prof. dr. mr. mrs. ms. miss sir dame lord lady director
    spokesman spokeswoman spokesperson nominee candidate republican democratic democrat
    presidential general attorney gen. state us u.s. federal city county press member
    council board councilmember alderman alderwoman alderperson assemblyman assemblywoman
    assemblymember councilman councilwoman councillor manager district prosecutor treasurer
    comptroller auditor clerk magistrate chancellor premier envoy administrator chair
    chairman chairwoman chairperson supervisor legislator lawmaker trooper justice retired
    sens. reps. speaker
    """.split()
)

#: Words that make a capitalised phrase an institution rather than a person.
ORG_WORDS = frozenset(
    """
    department police office agency ministry council committee campaign party university
    college institute foundation association union company corporation inc. group news
    times post journal press network county city state house senate congress court
    administration government commission bureau board church school hospital gazette
    herald tribune magazine radio alliance coalition federation society league center centre
    chamber authority parliament legislature assembly ministry llc ltd
    """.split()
)

#: Nouns that make "the union", "the company" an institution speaking (never a person).
INSTITUTION_NOUNS = frozenset(
    """
    department police office agency ministry council committee campaign party university
    college institute foundation association union company corporation group commission
    bureau board church school hospital alliance coalition federation society league
    chamber authority parliament legislature assembly government administration firm
    organization organisation nonprofit charity club district court city county state
    """.split()
)

#: Organisation words that make an institution an official body.
OFFICIAL_ORG_WORDS = frozenset(
    """
    department police office agency ministry council county city state house senate
    congress court administration government commission bureau authority parliament
    legislature assembly district township borough municipality cabinet embassy army navy
    """.split()
)

#: Capitalised words that open sentences but are never part of a name.
NON_NAME_WORDS = frozenset(
    """
    the a an and but or however on in at of for to from by with after before during when
    while as if this that these those it he she they we i his her their our its my you
    your one another some many most all both each every no not significantly meanwhile
    earlier later speaking asked yet still also then there here what who why how where
    monday tuesday wednesday thursday friday saturday sunday january february march april
    may june july august september october november december mr mrs ms dr people
    """.split()
)

PRONOUNS = frozenset({"he", "she", "they", "i", "we", "it", "who"})

#: Determiners that open an unnamed speaker ("one irritated user", "a resident").
UNNAMED_OPENERS = frozenset({"a", "an", "one", "another", "some", "several", "many", "other"})

#: role_cues.en.v2 adds office titles (director, alderman, district attorney ...), body-dependent
#: titles, office phrases, occupation and comment nouns, and the relative-clause verbs above.
VERSIONS: dict[str, str] = {
    "reporting_verbs": "reporting_verbs.en.v1",
    "role_cues": "role_cues.en.v2",
    "document_nouns": "document_nouns.en.v1",
    "title_words": "title_words.en.v2",
    "institution_nouns": "institution_nouns.en.v1",
    "quote_marks": "quote_marks.v1",
}
