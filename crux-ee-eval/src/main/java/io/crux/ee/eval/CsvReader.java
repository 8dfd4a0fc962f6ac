package io.crux.ee.eval;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads CSV as RFC 4180 defines it: records separated by CRLF or LF, cells by commas, a cell in
 * double quotes may hold commas, quotes (doubled) and line breaks. Cells are not trimmed.
 *
 * <p>Why not a library: the build runs offline from the local Maven repository, which holds no CSV
 * library (Apache Commons CSV is not there), and data sets need only this much of the format: no
 * other separators, comments or header options. It is about sixty lines and tested in
 * {@code DataSetTest}.
 */
final class CsvReader {

    /** One record and the line it starts on, from 1. */
    record Row(int line, List<String> cells) {}

    private CsvReader() {}

    static List<Row> read(String source, Reader in) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<String> cells = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        int line = 1;
        int rowLine = 1;
        boolean quoted = false;
        boolean quoteClosed = false;
        boolean any = false;
        int c = in.read();
        while (c != -1) {
            any = true;
            if (quoted) {
                if (c == '"') {
                    int next = in.read();
                    if (next == '"') {
                        cell.append('"');
                    } else {
                        quoted = false;
                        quoteClosed = true;
                        c = next;
                        continue;
                    }
                } else {
                    if (c == '\n') {
                        line++;
                    }
                    cell.append((char) c);
                }
            } else if (c == ',') {
                cells.add(cell.toString());
                cell.setLength(0);
                quoteClosed = false;
            } else if (c == '\r' || c == '\n') {
                if (c == '\r') {
                    int next = in.read();
                    if (next != '\n') {
                        c = next;
                        line++;
                        cells.add(cell.toString());
                        rows.add(new Row(rowLine, List.copyOf(cells)));
                        cells.clear();
                        cell.setLength(0);
                        quoteClosed = false;
                        any = false;
                        rowLine = line;
                        continue;
                    }
                }
                line++;
                cells.add(cell.toString());
                rows.add(new Row(rowLine, List.copyOf(cells)));
                cells.clear();
                cell.setLength(0);
                quoteClosed = false;
                any = false;
                rowLine = line;
            } else if (c == '"' && cell.isEmpty() && !quoteClosed) {
                quoted = true;
            } else if (quoteClosed || c == '"') {
                throw new IllegalArgumentException(EvalMessages.badDataSetLine(
                        source, line, "a quote in the middle of a cell; quote the whole cell and double the quote"));
            } else {
                cell.append((char) c);
            }
            c = in.read();
        }
        if (quoted) {
            throw new IllegalArgumentException(EvalMessages.badDataSetLine(
                    source, rowLine, "a quoted cell is not closed before the end of the file"));
        }
        if (any) {
            cells.add(cell.toString());
            rows.add(new Row(rowLine, List.copyOf(cells)));
        }
        return rows;
    }
}
