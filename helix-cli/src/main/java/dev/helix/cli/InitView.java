package dev.helix.cli;

import java.util.List;

/** What {@code helix init} did in a directory: the files it wrote, those it left as they were, and notes. */
record InitView(String directory, List<String> written, List<String> skipped, List<String> notes) {}
