"""Reading an uploaded CSV into cells: Unicode NFC, spaces trimmed, empty lines dropped."""

import unicodedata

import pytest

from cchc.core.tabular.reading import FileError, read_table


def test_csv_cells_come_out_nfc_trimmed_and_without_non_breaking_spaces():
    text = 'Mã,Tên\n 12-STP ,"\u00a0Sở Tư pháp "\n\n,\n106,"Ủy ban, huyện Tam Đường"\n'
    table = read_table(unicodedata.normalize("NFD", text).encode(), "a.csv")
    assert table.header == ["Mã", "Tên"]
    assert table.rows == [["12-STP", "Sở Tư pháp"], ["106", "Ủy ban, huyện Tam Đường"]]
    assert all(unicodedata.is_normalized("NFC", cell) for row in table.rows for cell in row)


def test_a_row_of_zeros_is_data_and_the_separator_is_detected():
    table = read_table("\ufeffa;b\n0;0\n".encode(), "a.csv")
    assert table.rows == [["0", "0"]]


@pytest.mark.parametrize("content", [b"", b"  \n", b"\n,\n"])
def test_an_empty_file_is_refused(content):
    with pytest.raises(FileError):
        read_table(content, "a.csv")


def test_a_header_alone_reads_as_no_rows():
    assert read_table("Mã\n\n".encode(), "a.csv").rows == []
