"""Reading contacts exports: every layout by content, and clear errors for bad files."""

from __future__ import annotations

import codecs
import shutil
import sqlite3
from datetime import date
from pathlib import Path

import pytest

from net_skill.contacts import ContactsError, parse_contacts, read_contacts
from tests.contacts_factory import linkedin_csv, vcards

DATA = Path(__file__).parent / "data" / "contacts"


def by_name(path: Path) -> dict[str, object]:
    return {c.name: c for c in read_contacts(path).contacts}


def test_linkedin_with_notes_preamble() -> None:
    found = read_contacts(DATA / "linkedin_connections.csv")
    assert found.format == "linkedin"
    assert len(found.contacts) == 9
    assert found.skipped == 1 and found.skipped_lines == (9,)  # a private member: no name
    dana = found.contacts[0]
    assert (dana.name, dana.company, dana.title) == (
        "Dana Okafor",
        "Fabrikam",
        "Group Product Manager",
    )
    assert dana.connected_on == date(2019, 3, 14)
    assert dana.line == 5  # the header is line 4, after three lines of notes
    assert dana.emails == ()
    people = {c.name: c for c in found.contacts}
    assert people["Aisha Bello"].company == "Contoso, Ltd."  # credentials dropped, quotes kept
    assert people["Zoë Müller"].emails == ("zoe.mueller@northwind.example",)
    assert people["Grace O'Neill"].connected_on == date(2012, 11, 9)


def test_linkedin_older_export_without_url_column() -> None:
    found = read_contacts(DATA / "linkedin_connections_old.csv")
    assert found.format == "linkedin"
    assert [c.name for c in found.contacts] == ["Dana Okafor", "Priyanka Rao"]
    assert found.contacts[1].emails == ("priyanka.rao@litware.example",)
    assert found.contacts[1].title == "UX Researcher"
    assert found.skipped == 1


def test_google_current_layout() -> None:
    found = read_contacts(DATA / "google_contacts.csv")
    assert found.format == "google"
    people = {c.name: c for c in found.contacts}
    dana = people["Dana Okafor"]
    assert dana.labels == ("Work", "Former colleagues")  # "* myContacts" is a system group
    assert dana.emails == ("dana.okafor@fabrikam.example", "dana.o@mail.example")
    assert dana.note.startswith("Former manager at Contoso Retail")
    assert people["Luis Romero"].emails == ("luis@mail.example", "luis.romero@tailspintoys.example")
    assert people["Luis Romero"].labels == ("Friends",)  # ` ::: ` joins several values
    assert people["Ngozi Ada Eze"].company == "Contoso Health"
    assert "Mom" in people  # a nickname is a name
    assert found.skipped == 1  # a company with no person


def test_google_older_layout() -> None:
    found = read_contacts(DATA / "google_contacts_legacy.csv")
    assert found.format == "google-legacy"
    people = {c.name: c for c in found.contacts}
    assert people["Kenji Sato"].company == "Proseware"
    assert people["Kenji Sato"].title == "VP Engineering"
    assert people["Kenji Sato"].labels == ("Mentors",)
    assert people["Kenji Sato"].emails == ("kenji.sato@mail.example", "ksato@proseware.example")
    assert found.skipped == 1


@pytest.mark.parametrize(
    ("name", "count", "skipped"), [("contacts_v3.vcf", 2, 1), ("contacts_v4.vcf", 2, 0)]
)
def test_vcards(name: str, count: int, skipped: int) -> None:
    found = read_contacts(DATA / name)
    assert found.format == "vcard"
    assert (len(found.contacts), found.skipped) == (count, skipped)


def test_vcard_fields() -> None:
    v3 = {c.name: c for c in read_contacts(DATA / "contacts_v3.vcf").contacts}
    dana = v3["Dana Okafor"]
    assert (dana.company, dana.title, dana.line) == ("Fabrikam", "Group Product Manager", 1)
    assert dana.labels == ("Work", "Former colleagues")
    assert "experiment design" in dana.note  # a folded NOTE line is unfolded
    assert v3["Luis Romero"].line == 14
    v4 = {c.name: c for c in read_contacts(DATA / "contacts_v4.vcf").contacts}
    assert v4["Zoë Müller"].company == "Northwind Traders"
    assert v4["Ngozi Ada Eze"].emails == ("ngozi.eze@mail.example",)  # no FN: built from N


def test_plain_list() -> None:
    found = read_contacts(DATA / "contacts.txt")
    assert found.format == "text"
    people = {c.name: c for c in found.contacts}
    assert list(people) == ["Dana Okafor", "Mei Chen", "Aisha Bello", "Luis Romero", "Sam Lee"]
    assert people["Dana Okafor"].labels == ("Work",)  # under "# Work"
    assert people["Dana Okafor"].company == "Fabrikam"
    assert people["Luis Romero"].labels == ("Friends",)  # under "Friends:"
    assert people["Aisha Bello"].emails == ("aisha.bello@contoso.example",)
    assert found.skipped == 1 and found.skipped_lines == (9,)  # "see notes from the meetup"


def test_layout_is_chosen_by_content_not_file_name(tmp_path: Path) -> None:
    disguised = tmp_path / "export.txt"
    shutil.copy(DATA / "linkedin_connections.csv", disguised)
    assert read_contacts(disguised).format == "linkedin"
    card = tmp_path / "people.csv"
    shutil.copy(DATA / "contacts_v4.vcf", card)
    assert read_contacts(card).format == "vcard"


def test_line_ends_and_byte_order_marks(tmp_path: Path) -> None:
    text = (DATA / "linkedin_connections.csv").read_text(encoding="utf-8")
    crlf = tmp_path / "crlf.csv"
    crlf.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + text.encode("utf-8"))
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes(text.encode("utf-16"))  # with its BOM
    for path in (crlf, bom, utf16):
        found = read_contacts(path)
        assert (found.format, len(found.contacts), found.contacts[0].line) == ("linkedin", 9, 5)


def test_generic_csv_with_a_name_column() -> None:
    found = parse_contacts("Name,Job Title,Company,Tags\nDana Okafor,Group PM,Fabrikam,work\n")
    assert found.format == "csv"
    (dana,) = found.contacts
    assert (dana.title, dana.company, dana.labels) == ("Group PM", "Fabrikam", ("work",))


def test_thirty_thousand_rows(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(linkedin_csv(30_000), encoding="utf-8")
    found = read_contacts(path)
    assert len(found.contacts) + found.skipped == 30_000
    assert 600 < found.skipped < 1200  # about 3% of rows have no name
    assert found.contacts[-1].line == 30_004


def test_thousands_of_vcards() -> None:
    found = parse_contacts(vcards(2_000))
    assert (found.format, len(found.contacts)) == ("vcard", 2_000)
    assert found.contacts[1].line == 9  # eight lines a card


# -- bad input: one clear line naming the file (and the line where it helps) -------------------


def error_of(path: Path) -> ContactsError:
    with pytest.raises(ContactsError) as caught:
        read_contacts(path)
    assert "\n" not in str(caught.value)
    assert str(path) in str(caught.value)
    return caught.value


def test_missing_file_and_folder(tmp_path: Path) -> None:
    assert "no such file" in str(error_of(tmp_path / "nope.csv"))
    assert "folder" in str(error_of(tmp_path))


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "locked.csv"
    path.write_text("Dana Okafor\n")

    def refuse(self: Path, *args: object, **kwargs: object) -> object:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", refuse)  # as chmod 0 would, even for root
    assert "permission denied" in str(error_of(path))


@pytest.mark.parametrize("content", [b"", b"   \n\n\t\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.csv"
    path.write_bytes(content)
    assert "empty" in str(error_of(path))


def test_binary_file_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "photo.vcf"
    path.write_bytes(b"BEGIN:VCARD\nVERSION:3.0\nFN:Dana\nPHOTO:\x89PNG\x00\x00\x1a\n")
    error = error_of(path)
    assert "binary" in str(error) and error.line == 4


def test_png_is_binary(tmp_path: Path) -> None:
    path = tmp_path / "contacts.csv"
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    assert "binary" in str(error_of(path))


def test_zip_archive_says_unzip(tmp_path: Path) -> None:
    path = tmp_path / "Basic_LinkedInDataExport.zip"
    path.write_bytes(b"PK\x03\x04\x14\x00\x00\x00" + b"\x00" * 40)
    assert "unzip" in str(error_of(path))


def test_wrong_encoding_names_line_and_column(tmp_path: Path) -> None:
    text = (
        "First Name,Last Name,Company,Position,Connected On\nDana,Okafor,Fabrikam,PM,14 Mar 2019\n"
    )
    path = tmp_path / "latin1.csv"
    path.write_bytes((text + "José,García,Contoso,Analyst,01 Jan 2020\n").encode("cp1252"))
    error = error_of(path)
    assert error.line == 3
    assert "not UTF-8" in str(error) and "column 4" in str(error)
    assert f"{path}:3:" in str(error)


def test_unclosed_quote_names_the_row(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text(
        "First Name,Last Name,Company,Position,Connected On\n"
        "Dana,Okafor,Fabrikam,PM,14 Mar 2019\n"
        'Mei,Chen,"Fabrikam,Director,21 Jan 2024\n'
        "Sam,Lee,Epic,PM,03 Feb 2020\n"
    )
    error = error_of(path)
    assert error.line == 3 and "malformed CSV" in str(error)


def test_header_without_rows(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,URL,Email Address,Company,Position,Connected On\n")
    assert "no contacts" in str(error_of(path))


def test_every_row_nameless_is_an_error_not_a_silent_nothing(tmp_path: Path) -> None:
    path = tmp_path / "Connections.csv"
    path.write_text("First Name,Last Name,Company,Position,Connected On\n,,A,B,\n,,C,D,\n")
    error = error_of(path)
    assert "every row (2) lacks a name" in str(error) and error.line == 2


def test_vcard_never_closed(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Dana Okafor\nEND:VCARD\nBEGIN:VCARD\nFN:Mei\n")
    error = error_of(path)
    assert "never closed" in str(error) and error.line == 5


def test_vcard_with_a_broken_line(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Dana Okafor\nthis is not a property\nEND:VCARD\n")
    error = error_of(path)
    assert "not a valid vCard" in str(error) and error.line == 4


def test_text_outside_vcards(tmp_path: Path) -> None:
    path = tmp_path / "cards.vcf"
    path.write_text("BEGIN:VCARD\nVERSION:3.0\nFN:Dana Okafor\nEND:VCARD\nstray text\n")
    assert error_of(path).line == 5


def test_sqlite_database_of_another_program(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE t (x)")
    conn.close()
    assert "another program" in str(error_of(path))


def test_prose_with_no_names(tmp_path: Path) -> None:
    path = tmp_path / "notes.txt"
    path.write_text("the people I met at the meetup were great\nand I should follow up\n")
    error = error_of(path)
    assert "no contacts found" in str(error) and error.line == 1
