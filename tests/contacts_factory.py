"""Large, realistic contacts exports made at test time (never committed): seeded, so the same
arguments give the same file."""

from __future__ import annotations

import csv
import io
import random
from datetime import date, timedelta
from pathlib import Path

LINKEDIN_NOTES = (
    "Notes:\n"
    '"When exporting your connection data, you may notice that some of the email addresses are '
    "missing. You will only see email addresses for connections who have allowed their "
    "connections to see or download their email address using this setting "
    "https://www.linkedin.com/psettings/privacy/email. You can learn more here "
    'https://www.linkedin.com/help/linkedin/answer/261"\n'
    "\n"
)
LINKEDIN_HEADER = ["First Name", "Last Name", "URL", "Email Address", "Company", "Position",
                   "Connected On"]  # fmt: skip

_FIRST_TEXT = """
Aaliyah Aarav Abdul Ada Adebayo Adrián Ahmed Aiko Aisha Akira Alejandro Alexei Alice Amara
Amelia Ana Anders Andrea Ángel Anika Anjali Arjun Astrid Ayşe Beatriz Ben Björn Camille
Carlos Chen Chiara Chloé Chukwuemeka Daniel Dana Darius David Diego Dmitri Elena Elif Emeka
Emily Emma Erik Esther Fatima Felipe Fernando Freya Gabriel Giulia Grace Hana Hannah Hassan
Hiroshi Ibrahim Ingrid Isabel Ivan Jack Jakub James Jana Javier Jin João Jonas Jorge José
Julia Kai Kamala Karim Kateryna Kenji Kwame Lars Laura Layla Leila Liam Lin Lucas Lucía Luis
Maja Malik Maria Mariam Marta Mateo Mei Mia Miguel Mohammed Nadia Naledi Nia Nikhil Noah
Nour Olga Omar Oscar Pablo Patricia Pedro Priya Rafael Rahul Ravi Rin Rosa Sakura Samir Sara
Sebastián Sofia Sven Tamar Tariq Thabo Tomás Uma Valentina Wei Xavier Yara Yusuf Zanele Zoë
"""
FIRST = _FIRST_TEXT.split()
_LAST_TEXT = """
Abara Adeyemi Agarwal Ahmadi Alvarez Andersen Bakker Banerjee Bello Bianchi Bondarenko Brown
Castillo Chen Chowdhury Costa Dahl Das Demir Dlamini Dubois Eze Fernández Fischer Flores
García Gonzalez Gupta Haddad Hansen Hernández Hoang Huang Ibrahim Ivanova Jansen Jensen
Johnson Kapoor Kaya Khan Kim Kowalski Kruger Kumar Larsen Lee Li Lim López Martin Martínez
Mehta Meyer Mendoza Mensah Molina Moreau Müller Murphy Nakamura Nguyen Novak Nowak Okafor
Okonkwo Oliveira O'Brien O'Neill Ortiz Park Patel Pereira Petrov Popescu Quispe Rahman Rao
Reyes Rodriguez Romero Rossi Ruiz Sato Schmidt Shah Silva Singh Smith Sokolov Suzuki Tanaka
Taylor Tran Tshabalala Vasquez Wagner Wang Williams Wong Yamamoto Yilmaz Zhang Zhou
"""
LAST = _LAST_TEXT.split()
_COMPANY_STEMS_TEXT = """
Contoso Fabrikam Northwind Tailspin Adventure Litware Proseware Wingtip Woodgrove Fourth
Coffee Alpine Blue Yonder Coho Datum Humongous Lamna Margie Relecloud Trey Wide World
Graphic Lucerne Southridge Consolidated Fabrikam Tailwind Nod Bellows Vanarsdel Munson
"""
COMPANY_STEMS = _COMPANY_STEMS_TEXT.split()
COMPANY_SUFFIXES = ["", " Retail", " Health", " Systems", " Labs", " Bank", " Insurance",
                    " Analytics", " Software", " Group", " Consulting", " Media", " Energy",
                    " Logistics", " Foods", ", Inc.", " Ltd"]  # fmt: skip
TITLES = ["Software Engineer", "Senior Software Engineer", "Data Analyst", "Data Scientist",
          "Product Manager", "Senior Product Manager", "Group Product Manager", "Product Designer",
          "UX Researcher", "Engineering Manager", "Recruiter", "Technical Recruiter",
          "Account Executive", "Sales Manager", "Marketing Manager", "Nurse", "Registered Nurse",
          "Clinical Informatics Lead", "Teacher", "Professor", "Research Scientist", "Founder",
          "Co-Founder & CEO", "CTO", "VP Engineering", "Director of Product", "Consultant",
          "Business Analyst", "Program Manager", "Project Manager", "Operations Manager",
          "HR Business Partner", "Financial Analyst", "Student", "Intern", "Customer Success "
          "Manager", "DevOps Engineer", "Machine Learning Engineer", "Head of Analytics",
          "Chief of Staff", "Community Manager", "Partner", "Associate"]  # fmt: skip
CREDENTIALS = [", MBA", ", PhD", ", PMP", ", CPA", " MBA"]


def _company(rng: random.Random) -> str:
    return rng.choice(COMPANY_STEMS) + rng.choice(COMPANY_SUFFIXES)


def linkedin_rows(
    count: int, *, seed: int = 11, today: date = date(2026, 11, 25)
) -> list[list[str]]:
    """`count` data rows as LinkedIn writes them (about 3% without names, as private members)."""
    rng = random.Random(seed)
    rows = []
    used: set[str] = set()
    span = (today - date(2008, 1, 1)).days
    for n in range(count):
        connected = today - timedelta(days=int(rng.random() ** 2 * span))
        if rng.random() < 0.03:
            rows.append(["", "", f"https://www.linkedin.com/in/ACoA{n:08d}", "", "", "",
                         connected.strftime("%d %b %Y")])  # fmt: skip
            continue
        first, last = rng.choice(FIRST), rng.choice(LAST)
        while f"{first} {last}" in used:  # one name, one person (as the tracker assumes)
            first = f"{rng.choice(FIRST)} {chr(65 + rng.randrange(26))}."
        used.add(f"{first} {last}")
        if rng.random() < 0.04:
            last += rng.choice(CREDENTIALS)
        slug = f"{first}-{last}-{n:x}".lower().replace(" ", "-")
        email = f"{first}.{last}@mail.example".lower() if rng.random() < 0.08 else ""
        company = _company(rng) if rng.random() < 0.93 else ""
        title = rng.choice(TITLES) if company or rng.random() < 0.5 else ""
        rows.append([first, last, f"https://www.linkedin.com/in/{slug}", email, company, title,
                     connected.strftime("%d %b %Y")])  # fmt: skip
    return rows


def linkedin_csv(count: int, *, seed: int = 11, today: date = date(2026, 11, 25)) -> str:
    """A whole `Connections.csv` with `count` rows, notes preamble included."""
    out = io.StringIO()
    out.write(LINKEDIN_NOTES)
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(LINKEDIN_HEADER)
    writer.writerows(linkedin_rows(count, seed=seed, today=today))
    return out.getvalue()


def write_linkedin(path: Path, count: int, *, seed: int = 11) -> Path:
    path.write_text(linkedin_csv(count, seed=seed), encoding="utf-8")
    return path


def vcards(count: int, *, seed: int = 5) -> str:
    """`count` vCard 3.0 cards (CRLF line ends, as exporters write them)."""
    rng = random.Random(seed)
    cards = []
    for _ in range(count):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        company = _company(rng).replace(",", "\\,")
        cards.append(
            "BEGIN:VCARD\r\nVERSION:3.0\r\n"
            f"N:{last};{first};;;\r\nFN:{first} {last}\r\n"
            f"ORG:{company}\r\nTITLE:{rng.choice(TITLES)}\r\n"
            f"EMAIL;type=INTERNET:{first.lower()}@mail.example\r\nEND:VCARD\r\n"
        )
    return "".join(cards)
