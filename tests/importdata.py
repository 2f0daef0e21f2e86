"""A realistic spreadsheet of a Flemish primary school's partners (60), as a school keeps it."""

from __future__ import annotations

# name, category (as written in the sheet), distance (as written), kind
PARTNERS: list[tuple[str, str, str, str]] = [
    ("CLB Brussel", "Geïntegreerde zorg en leerlingenbegeleiding", "1", "Organisatie"),
    ("Ondersteuningsnetwerk Brussel", "Zorg", "2", "Organisatie"),
    ("Logopediepraktijk De Klank", "zorg", "2", "Organisatie"),
    ("Kinesist Van Damme", "zorg", "3", "Individu"),
    ("Huis van het Kind", "zorg", "3", "Organisatie"),
    ("OCMW", "zorg", "3", "Organisatie"),
    ("Kind en Gezin", "zorg", "3", "Organisatie"),
    ("Jeugdhulp", "Zorg", "4", "Organisatie"),
    ("Wijkgezondheidscentrum", "zorg", "3", "Organisatie"),
    ("Centrum Geestelijke Gezondheidszorg", "zorg", "4", "Organisatie"),
    ("Pedagogische begeleidingsdienst", "Professionalisering van het team", "1", "Team"),
    ("Nascholingscentrum Eekhout", "professionalisering", "3", "Organisatie"),
    ("Hogeschool Odisee", "professionalisering", "2", "Organisatie"),
    ("Arteveldehogeschool", "professionalisering", "3", "Organisatie"),
    ("Lerarenopleiding UCLL", "Stages of werkplekleren", "2", "Organisatie"),
    ("VIVES stagebegeleiding", "stage", "2", "Organisatie"),
    ("Bibliotheek", "Pedagogisch-didactisch aanbod", "1", "Organisatie"),
    ("Sportdienst", "aanbod", "2", "Organisatie"),
    ("Cultuurcentrum", "aanbod", "2", "Organisatie"),
    ("Muziekacademie", "aanbod", "3", "Organisatie"),
    ("Academie Beeldende Kunst", "aanbod", "3", "Organisatie"),
    ("Natuurpunt", "aanbod", "3", "Organisatie"),
    ("Jeugddienst", "aanbod", "2", "Organisatie"),
    ("Zwembad De Wolk", "aanbod", "2", "Organisatie"),
    ("Verkeerspark", "aanbod", "4", "Organisatie"),
    ("MOS-begeleider", "aanbod", "3", "Individu"),
    ("Technopolis", "aanbod", "4", "Organisatie"),
    ("Erfgoedcel", "aanbod", "4", "Organisatie"),
    ("Schoolbestuur", "Beleidsondersteuning", "1", "Team"),
    ("Scholengemeenschap", "beleid", "1", "Organisatie"),
    ("Gemeente onderwijsdienst", "beleid", "2", "Organisatie"),
    ("Onderwijsinspectie", "beleid", "4", "Organisatie"),
    ("Katholiek Onderwijs Vlaanderen", "beleid", "3", "Organisatie"),
    ("Lokaal Overleg Platform", "beleid", "3", "Organisatie"),
    ("Ouderraad", "Interne actoren (eigen schoolteam)", "0", "Team"),
    ("Leerlingenraad", "intern", "0", "Team"),
    ("Zorgteam", "intern", "0", "Team"),
    ("Schoolraad", "intern", "0", "Team"),
    ("Busbegeleiders", "intern", "1", "Team"),
    ("Middagtoezicht", "intern", "1", "Team"),
    ("KU Leuven onderzoeksproject", "(Onderzoeks)projecten", "3", "Organisatie"),
    ("Universiteit Antwerpen Edubron", "onderzoek", "4", "Organisatie"),
    ("STEM-project provincie", "onderzoek", "3", "Organisatie"),
    ("Buitenschoolse kinderopvang", "Andere", "1", "Organisatie"),
    ("Buurtwerk", "andere", "3", "Organisatie"),
    ("Wijkagent", "andere", "3", "Individu"),
    ("Brandweer", "andere", "4", "Organisatie"),
    ("Parochie", "andere", "4", "Organisatie"),
    ("Rusthuis Ter Linde", "andere", "3", "Organisatie"),
    ("Speelpleinwerking", "andere", "3", "Organisatie"),
    ("Scouts", "andere", "3", "Organisatie"),
    ("Chiro", "andere", "3", "Organisatie"),
    ("Voetbalclub", "andere", "4", "Organisatie"),
    ("Bakkerij Janssens", "andere", "4", "Organisatie"),
    ("Tandarts schoolproject", "zorg", "4", "Individu"),
    ("Vzw Rode Neuzen", "zorg", "4", "Organisatie"),
    ("Taalstimulering vzw", "aanbod", "3", "Organisatie"),
    ("Huiswerkklas", "aanbod", "2", "Organisatie"),
    ("Integratiedienst", "zorg", "3", "Organisatie"),
    ("Vlaamse Scholierenkoepel", "beleid", "4", "Organisatie"),
]
assert len(PARTNERS) == 60


def sheet(
    rows: list[tuple[str, str, str, str]] | None = None,
    *,
    sep: str = ";",
    headers: tuple[str, str, str, str] = ("Partner", "Categorie", "Afstand", "Soort"),
    bom: bool = True,
) -> bytes:
    """The partners as a CSV file the way Excel saves it (';', UTF-8 with BOM, CRLF)."""
    lines = [sep.join(headers)]
    for row in rows if rows is not None else PARTNERS:
        lines.append(sep.join(f'"{c}"' if sep in c else c for c in row))
    text = "\r\n".join(lines) + "\r\n"
    return (b"\xef\xbb\xbf" if bom else b"") + text.encode("utf-8")
