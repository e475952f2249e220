"""The payer catalog: Stedi's payer list and our CSV read into payers with aliases, and
directory routes that name a catalog payer."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from payers.catalog import Payer, load_catalog, parse_catalog
from payers.catalog_import import CSV_COLUMNS, from_csv, from_stedi, import_file
from payers.directory import DirectoryError, load_directory, parse_directory
from payers.registry import PayerRegistry

ROOT = Path(__file__).resolve().parents[3]
FIXTURES = ROOT / "tests" / "fixtures" / "payers"
TIDEWATER = Payer(id="tidewater", name="Tidewater Health Test",
                  aliases={"stedi": "TIDE01", "claimmd": "TDW99"}, service_types=("30", "MH"))


def test_a_stedi_list_gives_one_payer_per_eligibility_payer_with_its_stedi_alias() -> None:
    raw = json.loads((FIXTURES / "stedi_payer_list.json").read_text())

    found = from_stedi(raw, known={})

    by_name = {(p.name, p.aliases["stedi"]): p for p in found.payers}
    tide = by_name[("Tidewater Health Test", "TIDE01")]
    assert tide.id == "tidewater-health-test"
    assert tide.other_ids == ("TIDEW", "77001")
    assert tide.other_names == ("Tidewater Health Plan Test",)
    assert tide.transactions == ("270",) and tide.enrollment_required is False
    assert by_name[("Harbor Lights Behavioral Test", "HRB77")].enrollment_required is True
    # Two payers of one name get distinct ids, the second with Stedi's own id appended
    assert by_name[("Tidewater Health Test", "TIDE02")].id == "tidewater-health-test-tdwt2"
    # The payer that answers no eligibility check through Stedi is left out
    assert found.skipped == 1 and len(found.payers) == 3


def test_a_stedi_reimport_updates_the_payer_that_has_that_stedi_alias() -> None:
    raw = json.loads((FIXTURES / "stedi_payer_list.json").read_text())

    found = from_stedi(raw, known={"tidewater": TIDEWATER})

    by_alias = {p.aliases["stedi"]: p.id for p in found.payers}
    assert by_alias["TIDE01"] == "tidewater"
    assert by_alias["TIDE02"] == "tidewater-health-test"


def test_a_stedi_list_without_items_is_refused() -> None:
    with pytest.raises(DirectoryError, match="'items' list"):
        from_stedi({"payers": []}, known={})


def test_csv_rows_of_one_payer_merge_their_clearinghouse_aliases() -> None:
    found = from_csv((FIXTURES / "payer_list.csv").read_text())

    tide, harbor = sorted(found.payers, key=lambda p: p.id, reverse=True)
    assert tide.aliases == {"stedi": "TIDE01", "claimmd": "TDW99"}
    assert tide.transactions == ("270", "278") and tide.service_types == ("30", "MH", "A8")
    assert tide.other_ids == ("TIDEW",)
    assert (harbor.id, harbor.aliases, harbor.enrollment_required) == (
        "harbor", {"availity": "HARBOR"}, True)


@pytest.mark.parametrize(("line", "problem"), [
    ("tide,Tide,stedi,T1,270,maybe,,", "line 2: enrollment_required must be yes or no"),
    ("Tide!,Tide,stedi,T1,270,no,,", "line 2: id must be lower-case"),
    ("tide,Tide,stedi,T1,837,no,,", "transactions may be 270, 278"),
    ("tide,Tide,Stedi House,T1,270,no,,", "aliases map a clearinghouse"),
])
def test_a_bad_csv_row_is_refused_naming_its_line(line: str, problem: str) -> None:
    header = ",".join(CSV_COLUMNS)
    with pytest.raises(DirectoryError, match=problem):
        from_csv(f"{header}\n{line}\n")


def test_importing_both_lists_merges_them_into_one_catalog_file(tmp_path: Path) -> None:
    catalog = tmp_path / "payers-catalog.json"

    first = import_file(FIXTURES / "payer_list.csv", fmt="csv", catalog_file=catalog)
    second = import_file(FIXTURES / "stedi_payer_list.json", fmt="stedi", catalog_file=catalog)

    payers = load_catalog(catalog)
    assert (first.added, second.added, second.updated, second.skipped) == (2, 2, 1, 1)
    # Stedi's TIDE01 is the CSV's tidewater: updated in place, the claimmd alias kept
    assert payers["tidewater"].aliases == {"stedi": "TIDE01", "claimmd": "TDW99"}
    assert payers["tidewater"].other_ids == ("TIDEW", "77001")
    assert set(payers) == {"tidewater", "harbor", "harbor-lights-behavioral-test",
                           "tidewater-health-test"}


def test_a_failed_import_leaves_the_catalog_file_as_it_was(tmp_path: Path) -> None:
    catalog = tmp_path / "payers-catalog.json"
    import_file(FIXTURES / "payer_list.csv", fmt="csv", catalog_file=catalog)
    before = catalog.read_text()
    broken = tmp_path / "broken.json"
    broken.write_text('{"items": [{"displayName": "No Id"}]}')

    with pytest.raises(DirectoryError, match="primaryPayerId"):
        import_file(broken, fmt="stedi", catalog_file=catalog)

    assert catalog.read_text() == before


def _routes(*items: dict[str, object]) -> dict[str, object]:
    return {"payers": list(items)}


STEDI = {"adapter": "stedi", "api": "raw-x12", "api_key": "k",
         "url": "https://stedi.example/raw-x12"}
CLAIMMD = {"adapter": "claimmd", "api_key": "k", "url": "https://claimmd.example/elig"}


def test_a_route_naming_a_payer_sends_that_payers_alias_at_its_clearinghouse() -> None:
    entries = parse_directory(_routes({"id": "tide-stedi", "payer": "tidewater", **STEDI},
                                      {"id": "tide-claimmd", "payer": "tidewater", **CLAIMMD}),
                              catalog={"tidewater": TIDEWATER})

    assert entries["tide-stedi"].payer_id == "TIDE01"
    assert entries["tide-claimmd"].payer_id == "TDW99"
    assert entries["tide-stedi"].name == "Tidewater Health Test"
    # No fallback given: the next route listed for the same payer
    assert entries["tide-stedi"].fallback == "tide-claimmd"
    assert entries["tide-claimmd"].fallback is None


def test_a_route_through_a_clearinghouse_without_an_alias_is_refused() -> None:
    with pytest.raises(DirectoryError, match="no alias at 'availity'"):
        parse_directory(_routes({"id": "tide-av", "payer": "tidewater", "adapter": "availity",
                                 "client_id": "c", "client_secret": "s",
                                 "url": "https://av.example/c", "token_url": "https://av.example/t"}),
                        catalog={"tidewater": TIDEWATER})


def test_a_route_naming_a_payer_missing_from_the_catalog_is_refused() -> None:
    with pytest.raises(DirectoryError, match="'nowhere' is not in the payer catalog"):
        parse_directory(_routes({"id": "x", "payer": "nowhere", **STEDI}), catalog={})


def test_a_fallback_to_another_payers_route_is_refused() -> None:
    other = Payer(id="harbor", name="Harbor", aliases={"claimmd": "HRB"})
    with pytest.raises(DirectoryError, match="reaches payer 'harbor', not 'tidewater'"):
        parse_directory(_routes(
            {"id": "tide-stedi", "payer": "tidewater", "fallback": "harbor-cm", **STEDI},
            {"id": "harbor-cm", "payer": "harbor", **CLAIMMD}),
            catalog={"tidewater": TIDEWATER, "harbor": other})


def test_todays_directory_file_loads_unchanged_each_entry_a_payer_with_one_route() -> None:
    entries = load_directory(ROOT / "payers.yaml", catalog={})
    registry = PayerRegistry.from_directory(entries)

    assert registry.ids() == ["sandbox", "sandbox-bho"]
    assert [(p.id, dict(p.aliases)) for p in registry.payers()] == [
        ("sandbox", {"sandbox": "SANDBOX01"}), ("sandbox-bho", {"sandbox": "SANDBOXBHO"})]
    assert registry.routes_of("sandbox") == ["sandbox"]
    assert all(e.payer is None and e.fallback is None for e in entries.values())


def test_a_coverage_may_name_the_payer_and_is_answered_by_its_first_route() -> None:
    entries = parse_directory(_routes({"id": "tide-stedi", "payer": "tidewater", **STEDI},
                                      {"id": "tide-claimmd", "payer": "tidewater", **CLAIMMD}),
                              catalog={"tidewater": TIDEWATER})
    registry = PayerRegistry.from_directory(entries, catalog={"tidewater": TIDEWATER})

    assert registry.ids() == ["tide-stedi", "tide-claimmd", "tidewater"]
    assert registry.route_of("tidewater") == "tide-stedi"
    assert registry.entry("tidewater").payer_id == "TIDE01"
    assert registry.routes_of("tidewater") == ["tide-stedi", "tide-claimmd"]


def test_a_catalog_with_a_bad_record_names_it() -> None:
    with pytest.raises(DirectoryError, match=r"payers\[0\] \(tide\): enrollment_required"):
        parse_catalog({"payers": [{"id": "tide", "name": "T", "enrollment_required": "yes"}]})
