package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What {@code helix export} did: the session, the format, how many records, and the file or the content itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ExportView(String tag, String format, int records, String file, String content) {}
