"""The demo organisation: two programmes in Rotterdam-Zuid, with mentors, youth, guardians, matches.

`koppel demo` calls `load_demo()` on a freshly migrated database. Everything comes from one seeded
random generator, so every run creates the same people; only dates follow today's date (ages,
waiting times and match start dates stay realistic whenever the demo is loaded).

`_load` tells the story in order. First everything is drawn (people, families, which youth gets
which mentors, and in `koppel.demo.stages` each mentor's timeline, screening records, training and each
youth's intake), saving nothing, so the draws never depend on what is saved. Then it happens step by
step through the domain functions the pages call, with their checks: programmes, campaigns, people,
screening and the pipeline's moves, training, intakes and the waiting list, proposed matches; then
`koppel.demo.relationships` takes the matches through their lifecycle, and `koppel.demo.surveys` adds
the surveys. What no domain function owns, and setting the story's dates back, is in
`koppel.demo.direct`.

People's own e-mail addresses are all @example.org. The six demo logins share `DEMO_PASSWORD`.
"""
# Turkish names have a dotless i:
# ruff: noqa: RUF001

from __future__ import annotations

import random
import unicodedata
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from koppel.accounts.domain.accounts import create_account
from koppel.demo.direct import (
    adopt,
    appoint_administrator,
    appoint_coordinator,
    backdate_application,
    create_match_round,
    create_organisation,
    create_postcode_areas,
    forget_story_mail,
    make_superuser,
    values_of,
)
from koppel.demo.relationships import Relationships
from koppel.demo.stages import Stages
from koppel.demo.surveys import load_surveys
from koppel.matches.domain.rounds import create_proposed_match, run_round
from koppel.matches.enums import MatchState
from koppel.matches.models import Match, PostcodeArea
from koppel.people.domain.people import create_guardian, create_mentor, create_youth, link_guardian
from koppel.people.enums import (
    AVAILABILITY_SLOTS,
    DayPart,
    DisqualificationReason,
    Gender,
    GenderWish,
    GuardianRelation,
    Importance,
    MentorMotive,
    MentorStatus,
    PersonalityTrait,
    SchoolType,
    UILanguage,
    Weekday,
    YouthStatus,
)
from koppel.people.models import Guardian, Interest, Mentor, Youth
from koppel.privacy.domain.retention import preview_retention
from koppel.programmes.domain.programmes import create_programme, update_programme_settings
from koppel.programmes.enums import AccessibilityStatus, Approach, Location, ProgrammeForm, ProgrammeKind
from koppel.programmes.models import Organisation, Programme

DEMO_PASSWORD = "koppel-demo-2026"
SEED = 2026

ADMIN_EMAIL = "beheerder@demo.example.org"
COORDINATOR_ZUID_EMAIL = "coordinator.zuid@demo.example.org"
COORDINATOR_SCHOOL_EMAIL = "coordinator.school@demo.example.org"
MENTOR_EMAIL = "mentor@demo.example.org"
YOUTH_EMAIL = "jongere@demo.example.org"
GUARDIAN_EMAIL = "ouder@demo.example.org"


def demo_logins() -> list[tuple[str, str]]:
    """The six demo logins as (role in Dutch / English, e-mail address)."""
    return [
        ("Beheerder / Administrator", ADMIN_EMAIL),
        ("Coördinator / Coordinator", COORDINATOR_ZUID_EMAIL),
        ("Coördinator / Coordinator", COORDINATOR_SCHOOL_EMAIL),
        ("Mentor / Mentor", MENTOR_EMAIL),
        ("Jongere / Youth", YOUTH_EMAIL),
        ("Ouder/verzorger / Parent", GUARDIAN_EMAIL),
    ]


# --- Names and backgrounds, as in Rotterdam-Zuid --------------------------------------------------


@dataclass(frozen=True)
class Origin:
    key: str
    backgrounds: tuple[str, ...]  # self-descriptions, for `cultural_background`
    heritage: tuple[tuple[str, ...], ...]  # options for the languages spoken besides Dutch
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]
    youth_weight: int
    mentor_weight: int
    guardian_speaks_nl: float = 1.0  # share of parents who also speak Dutch
    older: tuple[str, ...] = ()  # first names of people over 30 only
    newer: tuple[str, ...] = ()  # first names of people under 25 only


# fmt: off
ORIGINS = [
    Origin(
        "nl", ("Nederlands",), ((),),
        ("Emma", "Sophie", "Julia", "Lotte", "Sanne", "Fleur", "Anouk", "Lieke", "Iris", "Noor",
         "Eva", "Femke", "Marloes", "Inge", "Anja", "Petra", "Yvonne", "Esther", "Marieke", "Tessa",
         "Jasmijn", "Roos", "Mirjam", "Karin", "Mila", "Saar", "Zoë", "Lynn"),
        ("Daan", "Sem", "Lucas", "Thijs", "Jesse", "Bram", "Ruben", "Lars", "Stijn", "Niels",
         "Jeroen", "Martijn", "Bas", "Pieter", "Kees", "Henk", "Wim", "Rob", "Mark", "Dennis",
         "Tim", "Finn", "Joost", "Gerard", "Milan", "Noah", "Levi", "Luuk", "Tygo"),
        ("de Vries", "Jansen", "van den Berg", "Bakker", "Visser", "Smit", "Meijer", "de Boer",
         "Mulder", "de Groot", "Bos", "Vos", "Peters", "Hendriks", "van Dijk", "Kok", "Verhoeven",
         "van der Linden", "Dekker", "Brouwer", "de Wit", "van Leeuwen", "Hoogendoorn", "Koster",
         "Verbeek", "Schouten", "Vermeulen", "van der Heijden", "Kramer", "Jacobs"),
        youth_weight=20, mentor_weight=38,
        older=("Marloes", "Inge", "Anja", "Petra", "Yvonne", "Esther", "Marieke", "Mirjam", "Karin",
               "Jeroen", "Martijn", "Bas", "Pieter", "Kees", "Henk", "Wim", "Rob", "Mark",
               "Dennis", "Joost", "Gerard", "Niels"),
        newer=("Mila", "Saar", "Zoë", "Lynn", "Milan", "Noah", "Levi", "Luuk", "Tygo"),
    ),
    Origin(
        "ma", ("Marokkaans-Nederlands", "Marokkaans", "Riffijns"),
        (("ar",), ("zgh",), ("zgh", "ar")),
        ("Fatima", "Khadija", "Salma", "Yasmina", "Imane", "Nora", "Samira", "Hanan", "Aya",
         "Malika", "Naima", "Ikram", "Loubna", "Meryem", "Houda", "Siham", "Zineb", "Dounia"),
        ("Mohamed", "Youssef", "Ayoub", "Bilal", "Anouar", "Hamza", "Mehdi", "Soufiane", "Karim",
         "Rachid", "Mustafa", "Ilias", "Adam", "Zakaria", "Nordin", "Redouan"),
        ("El Amrani", "Bouzid", "El Idrissi", "Benali", "Azzouzi", "El Khattabi", "Ouali",
         "Boukhari", "Tahiri", "El Haddouchi", "Ziani", "El Ouardi", "Akkouh", "Bennani", "Chaoui"),
        youth_weight=18, mentor_weight=12, guardian_speaks_nl=0.7,
    ),
    Origin(
        "tr", ("Turks", "Turks-Nederlands"), (("tr",),),
        ("Elif", "Zeynep", "Ayşe", "Merve", "Büşra", "Esra", "Selin", "Derya", "Sevgi", "Hatice",
         "Emine", "Kübra", "Özlem"),
        ("Mehmet", "Emre", "Mustafa", "Burak", "Kerem", "Yusuf", "Ömer", "Serkan", "Hakan", "Murat",
         "Efe", "Arda", "Enes"),
        ("Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Öztürk", "Aydın", "Arslan", "Doğan", "Kılıç",
         "Aksoy", "Yıldız", "Koç", "Güler"),
        youth_weight=15, mentor_weight=10, guardian_speaks_nl=0.7,
    ),
    Origin(
        "sr_h", ("Surinaams", "Surinaams-Hindostaans", "Hindostaans"), ((), ("srn",)),
        ("Shanti", "Priya", "Anjali", "Sharmila", "Sunita", "Reshma", "Kavita", "Nisha"),
        ("Rajesh", "Ravi", "Anand", "Sharif", "Sunil", "Vikash", "Rishi", "Amit"),
        ("Ramdin", "Mahabier", "Jagessar", "Soekhoe", "Ramsaran", "Kanhai", "Sardjoe", "Biharie"),
        youth_weight=6, mentor_weight=7,
    ),
    Origin(
        "sr_c", ("Surinaams", "Surinaams-Creools", "Creools"), (("srn",), ()),
        ("Naomi", "Gianna", "Ashley", "Chantal", "Kimberley", "Rowena", "Esmeralda", "Jennifer"),
        ("Dylan", "Romano", "Jordy", "Jerrel", "Clarence", "Virgil", "Ricardo", "Glenn"),
        ("Pinas", "Wijngaarde", "Lieveld", "Sabajo", "Doelwijt", "Kasanpawiro", "Fränkel", "Vola"),
        youth_weight=7, mentor_weight=6,
    ),
    Origin(
        "aw", ("Antilliaans", "Curaçaos", "Arubaans"), (("pap",), ("pap", "es")),
        ("Shanella", "Giselle", "Jaïra", "Rosaly", "Milouska", "Dayenne", "Shaquira", "Chanel"),
        ("Shurandy", "Jurick", "Giovanni", "Rignald", "Kenneth", "Luigi", "Dwayne", "Jeandro"),
        ("Martina", "Maduro", "Cijntje", "Rosaria", "Isenia", "Daal", "Winklaar", "Sulvaran",
         "Croes", "Bernabela", "Janga"),
        youth_weight=8, mentor_weight=6, guardian_speaks_nl=0.9,
    ),
    Origin(
        "pl", ("Pools",), (("pl",), ("pl", "en")),
        ("Agnieszka", "Katarzyna", "Magdalena", "Zuzanna", "Natalia", "Oliwia", "Aleksandra",
         "Joanna"),
        ("Piotr", "Tomasz", "Jakub", "Kacper", "Michał", "Krzysztof", "Paweł", "Mateusz", "Szymon"),
        ("Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski", "Zieliński",
         "Szymański", "Woźniak", "Dąbrowski", "Mazur", "Krawczyk"),
        youth_weight=6, mentor_weight=3, guardian_speaks_nl=0.4,
    ),
    Origin(
        "so", ("Somalisch", "Somalisch-Nederlands"), (("so",), ("so", "ar")),
        ("Hodan", "Amina", "Fadumo", "Sahra", "Hibaaq", "Ayaan", "Nasra", "Ifrah", "Deeqa"),
        ("Abdirahman", "Abdi", "Hassan", "Ahmed", "Liban", "Mahad", "Omar", "Abdullahi"),
        ("Warsame", "Farah", "Hassan", "Abdullahi", "Osman", "Jama", "Mohamud", "Aden", "Ismail"),
        youth_weight=5, mentor_weight=2, guardian_speaks_nl=0.5,
    ),
    Origin(
        "cv", ("Kaapverdisch", "Kaapverdiaans-Nederlands"), (("pt",),),
        ("Djamila", "Carla", "Nilza", "Ana", "Sónia", "Edna", "Lúcia"),
        ("Nelson", "Hélder", "Djeison", "Carlos", "Adilson", "Ivanildo", "Edson"),
        ("Lopes", "Fortes", "Semedo", "Tavares", "Monteiro", "Gomes", "Delgado", "Varela",
         "Andrade"),
        youth_weight=5, mentor_weight=3, guardian_speaks_nl=0.8,
    ),
    Origin(
        "ua", ("Oekraïens",), (("uk",), ("uk", "en")),
        ("Olena", "Anastasiia", "Sofiia", "Daria", "Kateryna", "Yuliia"),
        ("Oleksandr", "Dmytro", "Maksym", "Andrii", "Bohdan", "Artem"),
        ("Shevchenko", "Kovalenko", "Bondarenko", "Tkachenko", "Melnyk", "Kravchenko", "Boiko"),
        youth_weight=3, mentor_weight=1, guardian_speaks_nl=0.2,
    ),
    Origin(
        "er", ("Eritrees",), (("ti",),),
        ("Helen", "Senait", "Mebrat", "Selam", "Yohanna"),
        ("Yonas", "Filmon", "Samuel", "Robel", "Dawit"),
        ("Tesfay", "Ghebremedhin", "Tekle", "Berhane", "Haile", "Kidane", "Woldu"),
        youth_weight=2, mentor_weight=1, guardian_speaks_nl=0.3,
    ),
    Origin(
        "expat", ("Brits", "Iers"), (("en",),),
        ("Emily", "Sarah", "Laura", "Chloe", "Rachel"),
        ("James", "Tom", "Oliver", "Matthew", "Liam"),
        ("Smith", "Taylor", "O'Connor", "Murphy", "Wilson", "Clarke"),
        youth_weight=0, mentor_weight=3,
    ),
]
ORIGIN = {origin.key: origin for origin in ORIGINS}

# Rotterdam-Zuid: neighbourhood -> postcode areas.
NEIGHBOURHOODS = {
    "Feijenoord": ("3071",),
    "Afrikaanderwijk": ("3072", "3073"),
    "Katendrecht": ("3072",),
    "Bloemhof": ("3073", "3074"),
    "Hillesluis": ("3074", "3075"),
    "Lombardijen": ("3076",),
    "IJsselmonde": ("3077", "3078", "3079"),
    "Tarwewijk": ("3081", "3082"),
    "Carnisse": ("3083", "3084"),
    "Charlois": ("3082", "3085", "3086", "3087"),
}
POSTCODE_LETTERS = "ABCDEGHJKLMNPRSTVWXZ"
# The centres of those postcode areas (approximate), so match rounds can tell travel distances.
POSTCODE_AREAS = {
    "3071": ("Feijenoord", "51.90450", "4.50300"),
    "3072": ("Afrikaanderwijk, Katendrecht", "51.89880", "4.49300"),
    "3073": ("Afrikaanderwijk, Bloemhof", "51.89250", "4.50200"),
    "3074": ("Bloemhof, Hillesluis", "51.88750", "4.51000"),
    "3075": ("Hillesluis", "51.88500", "4.52100"),
    "3076": ("Lombardijen", "51.87300", "4.54000"),
    "3077": ("IJsselmonde", "51.89300", "4.54800"),
    "3078": ("IJsselmonde", "51.88000", "4.55500"),
    "3079": ("Beverwaard", "51.88500", "4.57500"),
    "3081": ("Tarwewijk", "51.88800", "4.48000"),
    "3082": ("Tarwewijk, Charlois", "51.87900", "4.47300"),
    "3083": ("Carnisse", "51.87500", "4.48500"),
    "3084": ("Carnisse, Zuidwijk", "51.86500", "4.47800"),
    "3085": ("Charlois", "51.87800", "4.46000"),
    "3086": ("Charlois", "51.87000", "4.46500"),
    "3087": ("Charlois, Heijplaat", "51.88500", "4.44000"),
}
# Where a mentor living in a neighbourhood will also go (a whole-neighbourhood allowance).
NEARBY = {
    "Feijenoord": ["Afrikaanderwijk", "Katendrecht"],
    "Afrikaanderwijk": ["Bloemhof", "Feijenoord", "Katendrecht"],
    "Katendrecht": ["Afrikaanderwijk", "Feijenoord"],
    "Bloemhof": ["Afrikaanderwijk", "Hillesluis"],
    "Hillesluis": ["Bloemhof", "IJsselmonde"],
    "Lombardijen": ["IJsselmonde"],
    "IJsselmonde": ["Hillesluis", "Lombardijen"],
    "Tarwewijk": ["Carnisse", "Charlois"],
    "Carnisse": ["Charlois", "Tarwewijk"],
    "Charlois": ["Carnisse", "Tarwewijk"],
}

INTEREST_WEIGHTS_YOUTH = {
    "voetbal": 6, "gamen": 7, "dansen": 4, "muziek-luisteren": 6, "film-en-series": 4,
    "basketbal": 3, "tekenen": 3, "vechtsport": 3, "mode": 3, "koken": 2, "knutselen": 2,
}
INTEREST_WEIGHTS_MENTOR = {
    "koken": 4, "lezen": 4, "fietsen": 3, "natuur": 3, "film-en-series": 4, "muziek-luisteren": 4,
    "voetbal": 3, "vrijwilligerswerk": 3, "fotografie": 2, "geschiedenis": 2,
}
INTERESTS_OTHER = [
    "skateboarden", "K-pop", "boksen", "vissen in de Maas", "Formule 1", "duiven houden", "manga",
    "filmpjes maken voor TikTok", "rappen", "nagels doen", "paardrijden", "Feyenoord!", "sneakers",
    "breien", "volkstuin", "escape rooms",
]

MENTOR_JOBS = [
    "verpleegkundige", "ICT-consultant", "docent basisonderwijs", "accountmanager",
    "jongerenwerker", "buschauffeur bij de RET", "advocaat", "huisarts", "monteur", "kapper",
    "ondernemer",
    "beleidsmedewerker gemeente", "havenmedewerker", "logistiek planner", "fysiotherapeut",
    "projectleider bouw", "marketeer", "administratief medewerker", "politieagent",
    "maatschappelijk werker", "data-analist", "verkoopmedewerker", "apotheker", "HR-adviseur",
]
MENTOR_JOBS_YOUNG = [
    "verkoopmedewerker", "monteur", "kapper", "administratief medewerker", "junior developer",
    "pedagogisch medewerker kinderopvang", "klantenservicemedewerker", "doktersassistent",
    "beveiliger", "fitnessinstructeur",
]
MENTOR_JOBS_RETIRED = [
    "gepensioneerd docent", "gepensioneerd havenwerker", "gepensioneerd verpleegkundige",
    "gepensioneerd", "gepensioneerd boekhouder", "gepensioneerd wijkagent",
]
STUDIES = {
    SchoolType.MBO: ["student verpleegkunde (mbo)", "student sport en bewegen",
                     "student onderwijsassistent", "student ICT (mbo)",
                     "student pedagogisch medewerker"],
    SchoolType.HBO: ["student pedagogiek", "student social work", "student lerarenopleiding",
                     "student HBO-ICT", "student bedrijfskunde", "student verpleegkunde (hbo)"],
    SchoolType.WO: ["student psychologie", "student geneeskunde", "student rechten",
                    "student bestuurskunde", "student economie",
                    "student pedagogische wetenschappen"],
}

VALUES_MENTOR = [
    "Respect voor iedereen vind ik het belangrijkst.",
    "Mijn geloof geeft me rust en richting.",
    "Ik vind eerlijkheid heel belangrijk.",
    "Iedereen verdient een tweede kans.",
    "Familie komt bij mij op de eerste plaats.",
    "Ik wil iets terugdoen voor de wijk waar ik ben opgegroeid.",
    "Hard werken en doorzetten, dat heb ik van mijn ouders geleerd.",
    "Ik geloof dat elk kind iemand nodig heeft die in hem of haar gelooft.",
]
VALUES_YOUTH = [
    "Mijn geloof is belangrijk voor me.",
    "Ik vind het belangrijk dat mensen eerlijk zijn.",
    "Familie is heel belangrijk voor mij.",
    "Ik wil later anderen helpen.",
    "Iedereen moet gelijk behandeld worden.",
]
# (goal, minimum age)
GOALS_COMMUNITY = [
    ("Meer zelfvertrouwen krijgen en leren voor mezelf op te komen.", 10),
    ("Nieuwe dingen ontdekken in de stad, buiten de eigen wijk.", 10),
    ("Een sport of club vinden die bij me past.", 10),
    ("Beter leren omgaan met boosheid.", 10),
    ("Meer vrienden maken en minder alleen thuis zitten.", 10),
    ("Uitzoeken wat ik later wil worden.", 13),
    ("Leren plannen en mijn spullen op orde houden.", 11),
    ("Een bijbaantje vinden en leren omgaan met geld.", 14),
]
GOALS_SCHOOL = [
    ("Beter leren plannen voor school.", 12),
    ("Huiswerk op tijd af hebben en minder te laat komen.", 12),
    ("Mijn cijfers voor wiskunde omhoog krijgen.", 12),
    ("Minder spijbelen en weer met plezier naar school gaan.", 13),
    ("Leren hoe ik me voorbereid op een toets.", 12),
    ("Beter Nederlands lezen en schrijven.", 12),
    ("Rustiger blijven in de klas.", 12),
]
GOALS_VMBO = [("Een goede stageplek vinden.", 14), ("Kiezen welke mbo-opleiding bij me past.", 14)]
GOALS_HAVO_VWO = [("Een profielkeuze maken die bij me past.", 14)]
GOAL_DUTCH = "Beter Nederlands leren spreken."  # for youth who speak another language at home
# What each goal is about, to meet it with the mentor's motives (MAT-1).
GOAL_AREAS = {
    "Meer zelfvertrouwen krijgen en leren voor mezelf op te komen.": "confidence",
    "Nieuwe dingen ontdekken in de stad, buiten de eigen wijk.": "leisure",
    "Een sport of club vinden die bij me past.": "leisure",
    "Beter leren omgaan met boosheid.": "emotions",
    "Meer vrienden maken en minder alleen thuis zitten.": "social",
    "Uitzoeken wat ik later wil worden.": "work",
    "Leren plannen en mijn spullen op orde houden.": "school",
    "Een bijbaantje vinden en leren omgaan met geld.": "work",
    "Beter leren plannen voor school.": "school",
    "Huiswerk op tijd af hebben en minder te laat komen.": "school",
    "Mijn cijfers voor wiskunde omhoog krijgen.": "school",
    "Minder spijbelen en weer met plezier naar school gaan.": "school",
    "Leren hoe ik me voorbereid op een toets.": "school",
    "Beter Nederlands lezen en schrijven.": "school",
    "Rustiger blijven in de klas.": "emotions",
    "Een goede stageplek vinden.": "work",
    "Kiezen welke mbo-opleiding bij me past.": "work",
    "Een profielkeuze maken die bij me past.": "school",
    GOAL_DUTCH: "school",
}
WISHES = [
    "Iemand om mee te praten en leuke dingen te doen.",
    "Het liefst een mentor die een beetje op mij lijkt.",
    "Iemand die geduld heeft en niet meteen oordeelt.",
    "Een mentor die me kan helpen met school, maar ook gezellig is.",
    "Samen sporten of naar buiten gaan.",
    "Iemand die weet hoe het is om in Rotterdam-Zuid op te groeien.",
    "Een student die kan vertellen hoe het op het mbo of hbo is.",
]
# fmt: on


# --- Small helpers --------------------------------------------------------------------------------

_ASCII = str.maketrans({"ı": "i", "ł": "l", "Ł": "L", "ø": "o", "ß": "ss", "'": "", " ": "", "-": ""})


def _email_local(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_ASCII))
    return text.encode("ascii", "ignore").decode().lower()


def _polish_form(last_name: str, female: bool) -> str:
    """Polish surnames in -ski/-cki/-dzki take -ska/-cka/-dzka for women."""
    if female and last_name.endswith("ki"):
        return last_name[:-1] + "a"
    return last_name


def _weighted_sample(rng: random.Random, weights: dict[str, float], k: int) -> list[str]:
    pool = {key: weight for key, weight in weights.items() if weight > 0}
    chosen: list[str] = []
    while len(chosen) < k and pool:
        pick = rng.choices(list(pool), weights=list(pool.values()))[0]
        chosen.append(pick)
        del pool[pick]
    return chosen


def _birth_date(rng: random.Random, today: date, age: int) -> date:
    """A date of birth giving exactly `age` years on `today`."""
    try:
        last_birthday = today.replace(year=today.year - age)
    except ValueError:  # 29 February
        last_birthday = today.replace(year=today.year - age, day=28)
    return last_birthday - timedelta(days=rng.randint(0, 360))


def _availability(rng: random.Random, profile: str, k: int) -> list[str]:
    weekdays = Weekday.values[:5]
    weights: dict[str, float] = {}
    for slot in AVAILABILITY_SLOTS:
        day, part = slot.split("-")
        weekend = day not in weekdays
        if profile == "mentor":  # evenings and weekends
            weight = {DayPart.MORNING: 0.4, DayPart.AFTERNOON: 1, DayPart.EVENING: 4}[part]
            weight = (
                {DayPart.MORNING: 2, DayPart.AFTERNOON: 4, DayPart.EVENING: 1}[part] if weekend else weight
            )
        elif profile == "retired":  # any time, but not late
            weight = {DayPart.MORNING: 3, DayPart.AFTERNOON: 3, DayPart.EVENING: 1}[part]
        elif profile == "school":  # the school programme meets at school, after lessons
            weight = {DayPart.MORNING: 0.3, DayPart.AFTERNOON: 5, DayPart.EVENING: 0.5}[part]
            weight = 0.4 if weekend else weight
        else:  # youth: after school and at the weekend
            weight = {DayPart.MORNING: 0, DayPart.AFTERNOON: 4, DayPart.EVENING: 0.8}[part]
            if day == "wed" and part == DayPart.AFTERNOON:
                weight = 6
            weight = (
                {DayPart.MORNING: 1.5, DayPart.AFTERNOON: 3, DayPart.EVENING: 0.3}[part]
                if weekend
                else weight
            )
        weights[slot] = weight
    chosen = _weighted_sample(rng, weights, k)
    return sorted(chosen, key=AVAILABILITY_SLOTS.index)


def _personality(rng: random.Random) -> dict[str, int]:
    return {
        trait: rng.choices([1, 2, 3, 4, 5], weights=[1, 2, 4, 4, 2])[0] for trait in PersonalityTrait.values
    }


@dataclass
class Draft:
    """An unsaved mentor or youth with what matching in this loader needs to know."""

    obj: Mentor | Youth
    origin: Origin
    age: int
    interests: list[str]
    load: int = 0  # matches assigned (mentors)
    # Where the story takes them (the saved row starts at the beginning and is moved on step by step).
    status: str = ""
    waiting_since: date | None = None


@dataclass
class Family:
    origin: Origin
    last_name: str
    postcode: str
    neighbourhood: str
    # (guardian, relation, has parental authority)
    guardians: list[tuple[Guardian, str, bool]] = field(default_factory=list)


@dataclass
class PlannedMatch:
    programme: Programme
    youth: Draft
    mentors: list[Draft]
    state: str


class _Generator:
    def __init__(self, organisation: Organisation, interests: list[Interest], today: date):
        self.rng = random.Random(SEED)
        self.organisation = organisation
        self.interests = {interest.slug: interest for interest in interests}
        self.today = today
        self.emails: set[str] = set()
        self.names: set[tuple[str, str]] = set()
        self.last_names: set[str] = set()
        self.required_left = 2  # MAT-5: one or two youth for whom a shared background is a must

    # -- shared pieces --

    def origin(self, for_mentor: bool) -> Origin:
        weights = [o.mentor_weight if for_mentor else o.youth_weight for o in ORIGINS]
        return self.rng.choices(ORIGINS, weights=weights)[0]

    def address(self, neighbourhood: str | None = None) -> tuple[str, str]:
        rng = self.rng
        neighbourhood = neighbourhood or rng.choice(list(NEIGHBOURHOODS))
        while True:
            letters = rng.choice(POSTCODE_LETTERS) + rng.choice(POSTCODE_LETTERS)
            if letters not in ("SA", "SD", "SS"):
                break
        return f"{rng.choice(NEIGHBOURHOODS[neighbourhood])}{letters}", neighbourhood

    def phone(self) -> str:
        return f"06-{self.rng.randint(10_000_000, 69_999_999)}"

    def email(self, first_name: str, last_name: str) -> str:
        base = f"{_email_local(first_name)}.{_email_local(last_name)}"
        address, n = f"{base}@example.org", 1
        while address in self.emails:
            n += 1
            address = f"{base}{n}@example.org"
        self.emails.add(address)
        return address

    def first_name(self, origin: Origin, gender: str, age: int) -> str:
        female = gender == Gender.FEMALE or (gender != Gender.MALE and self.rng.random() < 0.5)
        unfit = origin.older if age < 30 else (origin.newer if age >= 25 else ())
        return self.rng.choice([n for n in (origin.female if female else origin.male) if n not in unfit])

    def last_name(self, origin: Origin) -> str:
        """A last name, preferably one not used yet (a few shared last names are realistic)."""
        for _ in range(3):
            last = self.rng.choice(origin.last)
            if last not in self.last_names:
                break
        self.last_names.add(last)
        return last

    def name(self, origin: Origin, gender: str, age: int, last_name: str = "") -> tuple[str, str]:
        """A first and last name nobody else in the demo has."""
        for _ in range(50):
            first = self.first_name(origin, gender, age)
            last = last_name or self.last_name(origin)
            if origin.key == "pl":
                last = _polish_form(last, gender == Gender.FEMALE)
            if (first, last) not in self.names:
                break
        self.names.add((first, last))
        return first, last

    def pick_interests(self, weights: dict[str, int]) -> list[str]:
        available = {slug: weights.get(slug, 1) for slug in self.interests}
        return _weighted_sample(self.rng, available, self.rng.randint(2, 5))

    def languages(self, origin: Origin, *, with_english: float) -> list[str]:
        rng = self.rng
        heritage = list(rng.choice(origin.heritage))
        if origin.key == "expat":
            spoken = ["en", "nl"] if rng.random() < 0.5 else ["en"]
        elif origin.key in ("pl", "ua", "er", "so"):
            spoken = [*heritage, "nl"]
        else:
            spoken = ["nl", *heritage]
        if "en" not in spoken and rng.random() < with_english:
            spoken.append("en")
        return spoken

    # -- mentors --

    def mentor(self, programme: Programme, coordinator, age: int) -> Draft:
        rng = self.rng
        origin = self.origin(for_mentor=True)
        gender = rng.choices(
            [Gender.FEMALE, Gender.MALE, Gender.NON_BINARY, Gender.UNSPECIFIED],
            weights=[62, 34, 2, 2],
        )[0]
        first, last = self.name(origin, gender, age)
        postcode, neighbourhood = self.address()

        school_type, school_year, motives_weights = SchoolType.GRADUATED, None, [1, 3, 4]
        if age == 17:
            school_type = rng.choice([SchoolType.HAVO, SchoolType.VWO])
            school_year = 5 if school_type == SchoolType.HAVO else 6
            occupation = f"scholier {school_type.value} {school_year}"
            motives_weights = [2, 4, 3]
        elif age <= 26 and rng.random() < (0.9 if age <= 21 else 0.55):
            school_type = rng.choices([SchoolType.MBO, SchoolType.HBO, SchoolType.WO], weights=[30, 45, 25])[
                0
            ]
            school_year = max(1, min(age - 17, 5 if school_type == SchoolType.WO else 4))
            occupation = rng.choice(STUDIES[school_type])
            motives_weights = [5, 4, 3]
        elif age >= 61 and rng.random() < 0.75:
            occupation = rng.choice(MENTOR_JOBS_RETIRED)
        elif age <= 26:
            occupation = rng.choice(MENTOR_JOBS_YOUNG)
        else:
            occupation = rng.choice(MENTOR_JOBS)
        motives = _weighted_sample(
            rng,
            dict(zip(MentorMotive.values, motives_weights, strict=True)),
            rng.choices([1, 2, 3], weights=[3, 4, 2])[0],
        )
        motives.sort(key=MentorMotive.values.index)
        retired = occupation.startswith("gepensioneerd")

        mentor = Mentor(
            programme=programme,
            coordinator=coordinator,
            first_name=first,
            last_name=last,
            date_of_birth=_birth_date(rng, self.today, age),
            gender=gender,
            email=self.email(first, last),
            phone=self.phone(),
            preferred_language=UILanguage.EN if origin.key == "expat" else UILanguage.NL,
            languages=self.languages(origin, with_english=0.7 if age < 50 else 0.4),
            cultural_background=rng.choice(origin.backgrounds) if rng.random() < 0.6 else "",
            postcode=postcode,
            neighbourhood=neighbourhood,
            school_type=school_type,
            school_year=school_year,
            interests_other=rng.choice(INTERESTS_OTHER) if rng.random() < 0.2 else "",
            personality=_personality(rng),
            values_beliefs=rng.choice(VALUES_MENTOR) if rng.random() < 0.4 else "",
            availability=_availability(
                rng,
                "school" if programme.is_team else ("retired" if retired else "mentor"),
                rng.randint(3, 8),
            ),
            motives=motives,
            occupation=occupation,
            capacity=2 if age >= 25 and not programme.is_team and rng.random() < 0.1 else 1,
            travel_neighbourhoods=sorted([neighbourhood, *NEARBY.get(neighbourhood, [])]),
            # MAT-4: a pupil mentor has a teacher who supervises them.
            adult_supervisor="Mw. J. de Vries (mentordocent)" if age < 18 else "",
        )
        return Draft(mentor, origin, age, self.pick_interests(INTEREST_WEIGHTS_MENTOR))

    def mentor_age(self) -> int:
        low, high = self.rng.choices(
            [(18, 19), (20, 29), (30, 45), (46, 60), (61, 67)], weights=[6, 40, 32, 13, 9]
        )[0]
        return self.rng.randint(low, high)

    # -- families and youth --

    def family(self) -> Family:
        rng = self.rng
        origin = self.origin(for_mentor=False)
        family_name = self.last_name(origin)
        postcode, neighbourhood = self.address()
        family = Family(origin, family_name, postcode, neighbourhood)
        shape = rng.choices(["two", "mother", "father", "foster"], weights=[60, 32, 5, 3])[0]
        if shape == "foster":
            carer = self.guardian(ORIGIN["nl"], Gender.FEMALE, "", postcode)
            family.guardians.append((carer, GuardianRelation.CARER, False))
            voogd = self.guardian(ORIGIN["nl"], rng.choice([Gender.FEMALE, Gender.MALE]), "", "")
            family.guardians.append((voogd, GuardianRelation.GUARDIAN, True))
            return family
        if shape in ("two", "mother"):
            own_name = rng.random() < (0.5 if origin.key == "nl" else 0.7) and origin.key != "pl"
            mother_name = "" if own_name else family_name
            family.guardians.append(
                (
                    self.guardian(origin, Gender.FEMALE, mother_name, postcode),
                    GuardianRelation.MOTHER,
                    True,
                )
            )
        if shape in ("two", "father"):
            same_home = shape == "father" or rng.random() < 0.85
            authority = shape == "father" or rng.random() < 0.9
            father = self.guardian(
                origin, Gender.MALE, family_name, postcode if same_home else self.address()[0]
            )
            family.guardians.append((father, GuardianRelation.FATHER, authority))
        return family

    def guardian(self, origin: Origin, gender: str, last_name: str, postcode: str) -> Guardian:
        rng = self.rng
        first, last_name = self.name(origin, gender, 45, last_name)
        heritage = list(rng.choice(origin.heritage))
        speaks_nl = rng.random() < origin.guardian_speaks_nl
        languages = ([*heritage, "nl"] if origin.key != "nl" else ["nl"]) if speaks_nl else heritage
        if not speaks_nl and "en" not in languages and origin.key in ("pl", "ua") and rng.random() < 0.6:
            languages.append("en")
        english_ui = not speaks_nl and "en" in languages
        return Guardian(
            organisation=self.organisation,
            first_name=first,
            last_name=last_name,
            email=self.email(first, last_name) if rng.random() < 0.85 else "",
            phone=self.phone(),
            preferred_language=UILanguage.EN if english_ui else UILanguage.NL,
            languages=languages,
            postcode=postcode,
        )

    def youth(self, programme: Programme, coordinator, family: Family, age: int, status: str) -> Draft:
        rng = self.rng
        origin = family.origin
        gender = rng.choices(
            [Gender.MALE, Gender.FEMALE, Gender.NON_BINARY, Gender.UNSPECIFIED],
            weights=[52, 45, 1, 2],
        )[0]
        first, last = self.name(origin, gender, age, family.last_name)
        school_type, school_year = self.school(age, programme.is_team)
        interests = self.pick_interests(INTEREST_WEIGHTS_YOUTH)

        cultural_match = rng.choices([Importance.NOT, Importance.NICE], weights=[82, 18])[0]
        if origin.key in ("ma", "tr") and not programme.is_team and self.required_left and rng.random() < 0.4:
            cultural_match = Importance.REQUIRED
            self.required_left -= 1
        background = rng.choice(origin.backgrounds) if rng.random() < 0.5 else ""
        if cultural_match != Importance.NOT and not background:
            background = origin.backgrounds[0]

        wish_gender = ""
        if rng.random() < 0.25:
            wish_gender = (
                GenderWish.FEMALE if gender == Gender.FEMALE or rng.random() < 0.3 else GenderWish.MALE
            )
        languages = self.languages(origin, with_english=0.4 if age >= 13 else 0.1)
        wish_language = ""
        heritage = [code for code in languages if code not in ("nl", "en")]
        if heritage and rng.random() < 0.15:
            wish_language = heritage[0]

        goals = wishes = ""
        goal_areas: list[str] = []
        if status != YouthStatus.INTAKE or rng.random() < 0.5:
            goal_list = GOALS_COMMUNITY
            if programme.is_team:
                goal_list = GOALS_SCHOOL + (
                    GOALS_VMBO if school_type in (SchoolType.VMBO, SchoolType.PRACTICAL) else GOALS_HAVO_VWO
                )
            goal_list = [goal for goal, min_age in goal_list if age >= min_age]
            if heritage and "nl" in languages and not programme.is_team:
                goal_list.append(GOAL_DUTCH)
            chosen = rng.sample(goal_list, rng.choice([1, 1, 2]))
            goals = " ".join(chosen)
            goal_areas = sorted({GOAL_AREAS[goal] for goal in chosen})
            parts = [rng.choice(WISHES)]
            if rng.random() < 0.4:
                favourite = self.interests[interests[0]].name_nl
                parts.append(f"Wil graag een mentor die ook van {favourite} houdt.")
            if wish_gender == GenderWish.FEMALE:
                parts.append("Graag een vrouwelijke mentor.")
            elif wish_gender == GenderWish.MALE:
                parts.append("Liever een man als mentor.")
            if wish_language:
                parts.append("Een mentor die mijn taal spreekt, zodat mijn ouders ook mee kunnen praten.")
            wishes = " ".join(parts)

        youth = Youth(
            programme=programme,
            coordinator=coordinator,
            first_name=first,
            last_name=last,
            date_of_birth=_birth_date(rng, self.today, age),
            gender=gender,
            email=self.email(first, last) if age >= 16 and rng.random() < 0.7 else "",
            phone=self.phone() if age >= 12 and rng.random() < 0.7 else "",
            preferred_language=UILanguage.EN if origin.key == "ua" and rng.random() < 0.5 else UILanguage.NL,
            languages=languages,
            cultural_background=background,
            postcode=family.postcode,
            neighbourhood=family.neighbourhood,
            school_type=school_type,
            school_year=school_year,
            interests_other=rng.choice(INTERESTS_OTHER) if rng.random() < 0.25 else "",
            personality=_personality(rng),
            values_beliefs=rng.choice(VALUES_YOUTH) if rng.random() < 0.2 else "",
            availability=_availability(rng, "school" if programme.is_team else "youth", rng.randint(3, 8)),
            status=status,
            goals=goals,
            goal_areas=goal_areas,
            wishes=wishes,
            wish_mentor_gender=wish_gender,
            wish_language=wish_language,
            cultural_match=cultural_match,
            waiting_since=self.today - timedelta(days=rng.randint(1, 300))
            if status == YouthStatus.WAITING
            else None,
        )
        return Draft(youth, origin, age, interests)

    def school(self, age: int, at_school: bool) -> tuple[str, int]:
        rng = self.rng
        if age <= 11:
            return SchoolType.PRIMARY, rng.choice([6, 7, 7]) if age == 10 else rng.choice([7, 8, 8])
        if age == 12 and not at_school and rng.random() < 0.5:
            return SchoolType.PRIMARY, 8
        kind = rng.choices(
            [SchoolType.VMBO, SchoolType.HAVO, SchoolType.VWO, SchoolType.PRACTICAL],
            weights=[55, 25, 12, 8],
        )[0]
        year = max(1, age - 11 - (1 if rng.random() < 0.2 else 0))
        last_year = {
            SchoolType.VMBO: 4,
            SchoolType.HAVO: 5,
            SchoolType.VWO: 6,
            SchoolType.PRACTICAL: 5,
        }[kind]
        if year > last_year:
            if at_school or kind != SchoolType.VMBO:
                return kind, last_year
            return SchoolType.MBO, year - last_year
        return kind, year


# --- Matching the drafts --------------------------------------------------------------------------


def _compatible(mentor: Draft, youth: Draft) -> bool:
    m, y = mentor.obj, youth.obj
    if mentor.load >= m.capacity or mentor.age < 18 or mentor.age - youth.age < 2:  # MAT-3, MAT-4
        return False
    if m.last_name == y.last_name:  # would look like family
        return False
    if y.wish_mentor_gender and m.gender != y.wish_mentor_gender:
        return False
    if y.wish_language and y.wish_language not in m.languages:
        return False
    return not (
        y.cultural_match == Importance.REQUIRED
        and (mentor.origin.key != youth.origin.key or not m.cultural_background)
    )


def _score(mentor: Draft, youth: Draft) -> float:
    m, y = mentor.obj, youth.obj
    shared_interests = sum(1 for slug in youth.interests if slug in mentor.interests)
    shared_slots = sum(1 for slot in y.availability if slot in m.availability)
    shared_language = any(code in m.languages for code in y.languages if code not in ("nl", "en"))
    score = 2 * shared_interests + 0.5 * min(shared_slots, 4) + (1 if shared_language else 0)
    score += 1 if mentor.age - youth.age > 10 else 0
    if y.cultural_match == Importance.NICE and mentor.origin.key == youth.origin.key:
        score += 1
    return score


def _pick_mentors(mentors: list[Draft], youth: Draft, count: int) -> list[Draft]:
    chosen: list[Draft] = []
    for _ in range(count):
        candidates = [m for m in mentors if m not in chosen and _compatible(m, youth)]
        if not candidates:
            return []
        best = max(candidates, key=lambda m: _score(m, youth))  # first of equals: deterministic
        chosen.append(best)
    for mentor in chosen:
        mentor.load += 1
    return chosen


# --- Loading --------------------------------------------------------------------------------------

COMMUNITY_DESCRIPTION = (
    "Vrijwillige maatjes voor jongeren van 10 tot en met 17 jaar in Rotterdam-Zuid. Een jaar lang "
    "elke week samen iets leuks doen en werken aan een doel dat de jongere zelf kiest."
)
SCHOOL_DESCRIPTION = (
    "Teams van twee of drie mentoren begeleiden leerlingen van het vmbo en de havo, op school en "
    "na de lessen: plannen, huiswerk, stage en de overstap naar het mbo."
)

# Mentor statuses besides 'matched' (decided by the matches) and 'ready' (the rest).
OTHER_MENTOR_STATUSES = {
    "community": [MentorStatus.APPROVED] * 4
    + [MentorStatus.IN_SCREENING] * 5
    + [MentorStatus.INTERVIEW_PLANNED] * 3
    + [MentorStatus.APPLIED] * 6
    + [MentorStatus.PAUSED] * 2
    + [MentorStatus.WITHDRAWN, MentorStatus.REJECTED, MentorStatus.DISQUALIFIED],
    "school": [MentorStatus.APPROVED] * 2
    + [MentorStatus.IN_SCREENING] * 2
    + [MentorStatus.APPLIED] * 2
    + [MentorStatus.WITHDRAWN],
}


def load_demo() -> bool:
    """Fill an empty database with the demo organisation. Returns False (and does nothing) when
    the database already has an organisation or programme."""
    if Organisation.objects.exists() or Programme.objects.exists():
        return False
    with transaction.atomic():
        _load(timezone.localdate())
        _privacy_examples(timezone.localdate())
    return True


def _privacy_examples(today: date) -> None:
    """One applicant withdrew eight months ago, so the retention schedule has something to show, and
    its preview is made once, so the retention page lists what will go (and when) from the start."""
    organisation = Organisation.objects.get()
    mentor = (
        Mentor.objects.filter(programme__organisation=organisation, status=MentorStatus.WITHDRAWN)
        .order_by("pk")
        .first()
    )
    if mentor is not None:
        backdate_application(mentor, days=200)
    preview_retention(organisation, today=today)


def _load(today: date) -> None:
    """The demo's story in the order it happened: set-up, people drawn and planned, then every step
    through the domain function a coordinator's page calls, then the matches' history and surveys."""
    organisation = _create_organisation(today)
    community, school = _create_programmes(organisation)
    _admin, coordinator_zuid, coordinator_school = _create_staff(organisation, community, school)
    gen = _Generator(organisation, list(Interest.objects.order_by("slug")), today)
    programmes = {"community": community, "school": school}
    coordinators = {"community": coordinator_zuid, "school": coordinator_school}

    # Drawn first, all from the one seeded generator, so the same people come out every time.
    mentors = _draw_mentors(gen, programmes, coordinators)
    youth, _families, family_of = _draw_youth(gen, programmes, coordinators)
    planned = _plan_matches(gen, programmes, mentors, youth)
    login_match = _create_demo_logins(planned, family_of, community)
    match_start = _draw_match_starts(gen.rng, planned, today)
    stages = Stages(
        gen, today=today, programmes=programmes, coordinators=coordinators, match_start=match_start
    )
    stages.plan(mentors, youth, family_of)

    # Then it happens, step by step.
    stages.save_campaigns()
    _register_people(gen, coordinators, mentors, youth, family_of)
    stages.screen_mentors(mentors)
    stages.save_training()
    stages.mark_ready(mentors)
    stages.save_peer_groups()
    stages.save_intakes(youth)
    matches = _propose_matches(planned, coordinators)
    starts = {
        match.pk: match_start[id(plan.youth.obj)]
        for match, plan in zip(matches, planned, strict=True)
        if plan.state == MatchState.ACTIVE
    }

    _create_postcode_areas()
    # Agreements, meetings, support contacts and matches in every state.
    Relationships(
        today,
        coordinators={community.pk: coordinator_zuid, school.pk: coordinator_school},
        login_match_id=next(m.pk for m, plan in zip(matches, planned, strict=True) if plan is login_match),
        starts=starts,
    ).run([community, school])
    stages.date_matched(mentors)
    load_surveys(
        [community, school],
        today=today,
        youth_user=login_match.youth.obj.user,
        mentor_user=login_match.mentors[0].obj.user,
    )
    # One finished match round to look at (MAT-1..6).
    run_round(create_match_round(community, by=coordinator_zuid).pk)
    forget_story_mail()


# --- Set-up ---------------------------------------------------------------------------------------


def _create_organisation(today: date) -> Organisation:
    return create_organisation(
        name="Stichting Samen Verder",
        slug="samen-verder",
        # What the privacy statement and the accessibility statement say (made-up contacts).
        privacy_email="privacy@demo.example.org",
        privacy_officer="Ingrid Verbeek",
        postal_address="Voorbeeldstraat 1, 3000 AA",
        town="Rotterdam",
        accessibility_email="toegankelijkheid@demo.example.org",
        accessibility_evaluated_on=today - timedelta(days=120),
        accessibility_status=AccessibilityStatus.B,
        accessibility_limitations=(
            "De grafieken in de rapportage zijn nog niet met een schermlezer getest; "
            "de tabellen eronder geven dezelfde cijfers. Wij testen dit in het komende halfjaar."
        ),
    )


def _create_programmes(organisation: Organisation) -> tuple[Programme, Programme]:
    community = create_programme(
        organisation,
        by=None,
        values={
            "name": "Maatjes Rotterdam-Zuid",
            "description": COMMUNITY_DESCRIPTION,
            "kind": ProgrammeKind.COMMUNITY,
            "form": ProgrammeForm.INDIVIDUAL,
            "locations": [Location.COMMUNITY_CENTRE, Location.FREE],
            "approach": Approach.COMBINED,
        },
    )
    school = create_programme(
        organisation,
        by=None,
        values={
            "name": "Samen Sterk op School",
            "description": SCHOOL_DESCRIPTION,
            "kind": ProgrammeKind.SCHOOL,
            "form": ProgrammeForm.TEAM,
            "team_size_min": 2,
            "team_size_max": 3,
            "locations": [Location.SCHOOL],
            "approach": Approach.INSTRUMENTAL,
        },
    )
    # The school programme asks one reference (SCR-2); its holiday expectations (REL-4) are the default.
    settings = school.settings
    update_programme_settings(
        settings, by=None, values={"references_required": 1}, expected_version=settings.version
    )
    return community, school


def _create_staff(organisation: Organisation, community: Programme, school: Programme) -> tuple:
    admin = create_account(
        ADMIN_EMAIL, by=None, name="Marco van der Velden", language="nl", password=DEMO_PASSWORD
    )
    make_superuser(admin)
    appoint_administrator(admin, organisation)
    coordinator_zuid = create_account(
        COORDINATOR_ZUID_EMAIL,
        by=None,
        name="Samira Benhaddou",
        language="nl",
        password=DEMO_PASSWORD,
    )
    appoint_coordinator(coordinator_zuid, community, caseload_limit=40)
    coordinator_school = create_account(
        COORDINATOR_SCHOOL_EMAIL,
        by=None,
        name="Joanna Kowalczyk",
        language="en",
        password=DEMO_PASSWORD,
    )
    appoint_coordinator(coordinator_school, school, caseload_limit=25)
    return admin, coordinator_zuid, coordinator_school


def _create_postcode_areas() -> None:
    """Reference data for travel distances (as `koppel load_postcode_areas` loads it)."""
    create_postcode_areas(
        PostcodeArea(postcode=code, name=name, latitude=Decimal(lat), longitude=Decimal(lon))
        for code, (name, lat, lon) in POSTCODE_AREAS.items()
    )


# --- Drawing the people and the matches (nothing saved) -------------------------------------------


def _draw_mentors(gen: _Generator, programmes: dict, coordinators: dict) -> dict[str, list[Draft]]:
    """50 mentors in the community programme, 30 in the school programme (two of them 17: MAT-4)."""
    return {
        "community": [
            gen.mentor(programmes["community"], coordinators["community"], gen.mentor_age())
            for _ in range(50)
        ],
        "school": [
            gen.mentor(programmes["school"], coordinators["school"], 17 if i in (6, 19) else gen.mentor_age())
            for i in range(30)
        ],
    }


def _draw_youth(gen: _Generator, programmes: dict, coordinators: dict):
    """36 + 24 youth, from families; a few siblings share their parents."""
    rng = gen.rng
    statuses = {
        "community": [YouthStatus.INTAKE] * 6 + [YouthStatus.WAITING] * 18 + [YouthStatus.MATCHED] * 12,
        "school": [YouthStatus.INTAKE] * 4 + [YouthStatus.WAITING] * 13 + [YouthStatus.MATCHED] * 7,
    }
    for status_list in statuses.values():
        rng.shuffle(status_list)
    families: list[Family] = []
    youth: dict[str, list[Draft]] = {"community": [], "school": []}
    family_of: dict[int, Family] = {}
    # (programme, position) -> the community youth whose brother or sister this is
    sibling_slots = {("community", 9): 2, ("community", 25): 14, ("school", 5): 20}
    ages_of = {
        "community": dict(zip(range(10, 18), [3, 3, 3, 3, 3, 2, 2, 1], strict=True)),
        "school": dict(zip(range(12, 17), [3, 3, 3, 2, 1], strict=True)),
    }
    for key in ("community", "school"):
        ages = ages_of[key]
        for i, status in enumerate(statuses[key]):
            earlier = sibling_slots.get((key, i))
            if earlier is not None:
                family = family_of[id(youth["community"][earlier].obj)]
            else:
                family = gen.family()
                families.append(family)
            age = rng.choices(list(ages), weights=list(ages.values()))[0]
            draft = gen.youth(programmes[key], coordinators[key], family, age, status)
            youth[key].append(draft)
            family_of[id(draft.obj)] = family
    return youth, families, family_of


def _plan_matches(gen: _Generator, programmes: dict, mentors: dict, youth: dict) -> list[PlannedMatch]:
    """Active matches for matched youth, a few proposals for waiting youth; the statuses of the
    mentors left over."""
    rng, today = gen.rng, gen.today
    planned: list[PlannedMatch] = []
    for key, programme in programmes.items():
        proposals_left = 2 if key == "community" else 1
        for draft in youth[key]:
            y = draft.obj
            if y.status == YouthStatus.MATCHED:
                team = rng.choice([2, 2, 3]) if programme.is_team else 1
                chosen = _pick_mentors(mentors[key], draft, team)
                if chosen:
                    planned.append(PlannedMatch(programme, draft, chosen, MatchState.ACTIVE))
                    for mentor in chosen:
                        mentor.obj.status = MentorStatus.MATCHED
                else:  # nobody fits the youth's wishes: back on the waiting list
                    y.status = YouthStatus.WAITING
                    y.waiting_since = today - timedelta(days=rng.randint(1, 300))
        for draft in youth[key]:
            if draft.obj.status == YouthStatus.WAITING and proposals_left:
                team = 2 if programme.is_team else 1
                pool = [m for m in mentors[key] if m.obj.status != MentorStatus.MATCHED]
                chosen = _pick_mentors(pool, draft, team)
                if chosen:
                    planned.append(PlannedMatch(programme, draft, chosen, MatchState.PROPOSED))
                    draft.obj.status = YouthStatus.MATCHED  # off the waiting list, waiting_since kept
                    for mentor in chosen:
                        mentor.obj.status = MentorStatus.READY
                    proposals_left -= 1
        rest = [m for m in mentors[key] if m.load == 0]
        others = list(OTHER_MENTOR_STATUSES[key])
        others += [MentorStatus.READY] * (len(rest) - len(others))
        rng.shuffle(others)
        for mentor, status in zip(rest, others, strict=True):
            mentor.obj.status = status
            if status == MentorStatus.DISQUALIFIED:  # the status and its reason go together (SCR-3)
                mentor.obj.disqualification_reason = DisqualificationReason.VOG_REFUSED
    return planned


def _create_demo_logins(planned: list[PlannedMatch], family_of: dict, community: Programme) -> PlannedMatch:
    """The demo logins for a mentor, a youth (12 or older) and a parent, all around one active match."""
    login_match = next(
        match
        for match in planned
        if match.programme == community
        and match.state == MatchState.ACTIVE
        # 12 to 15: old enough for a login, young enough that a parent asks for their data.
        and 12 <= match.youth.age < 16
        and match.mentors[0].obj.preferred_language == UILanguage.NL
    )
    login_youth, login_mentor = login_match.youth, login_match.mentors[0]
    login_guardian = family_of[id(login_youth.obj)].guardians[0][0]
    for email, person in (
        (MENTOR_EMAIL, login_mentor.obj),
        (YOUTH_EMAIL, login_youth.obj),
        (GUARDIAN_EMAIL, login_guardian),
    ):
        person.user = create_account(
            email, by=None, name=person.full_name, language="nl", password=DEMO_PASSWORD
        )
    return login_match


def _draw_match_starts(rng: random.Random, planned: list[PlannedMatch], today: date) -> dict[int, date]:
    """The day each active match started, for its youth and its mentors (by id of the planned object)."""
    match_start: dict[int, date] = {}
    for plan in planned:
        if plan.state == MatchState.ACTIVE:
            started_on = today - timedelta(days=rng.randint(45, 760))
            for person in (plan.youth, *plan.mentors):
                match_start[id(person.obj)] = started_on
    return match_start


# --- Saving, through the domain functions ---------------------------------------------------------


def _register_people(
    gen: _Generator, coordinators: dict, mentors: dict, youth: dict, family_of: dict
) -> None:
    """Every youth with their parents or guardians, then every mentor (who may have been proposed by a
    youth's family, REC-1). Each starts at the beginning: youth in intake, mentors as applicants."""
    saved: set[int] = set()
    for key in ("community", "school"):
        for draft in youth[key]:
            family = family_of[id(draft.obj)]
            if id(family) not in saved:
                saved.add(id(family))
                for guardian, _, _ in family.guardians:
                    row = create_guardian(
                        gen.organisation,
                        by=coordinators[key],
                        values=values_of(guardian, exclude={"organisation"}),
                    )
                    adopt(guardian, row)
            _register(draft, create_youth, by=coordinators[key], interests=gen.interests)
            for guardian, relation, authority in family.guardians:
                link_guardian(
                    draft.obj,
                    guardian,
                    by=coordinators[key],
                    relation=relation,
                    has_parental_authority=authority,
                )
    for key in ("community", "school"):
        for draft in mentors[key]:
            _register(draft, create_mentor, by=coordinators[key], interests=gen.interests)


def _register(draft: Draft, create, *, by, interests: dict) -> None:
    person = draft.obj
    draft.status = person.status
    draft.waiting_since = getattr(person, "waiting_since", None)
    values = values_of(person, exclude={"programme"})
    values["interests"] = [interests[slug] for slug in draft.interests]
    adopt(person, create(person.programme, by=by, values=values))


def _propose_matches(planned: list[PlannedMatch], coordinators: dict) -> list[Match]:
    """MAT-3..6: every planned pair proposed as a coordinator proposes one by hand would be."""
    matches = []
    for plan in planned:
        key = "school" if plan.programme.is_team else "community"
        matches.append(
            create_proposed_match(
                plan.programme, plan.youth.obj, [m.obj for m in plan.mentors], by=coordinators[key]
            )
        )
    return matches
