package dev.helix.cli;

import com.fasterxml.jackson.annotation.JsonInclude;

/** What {@code helix review} wrote: the file it wrote the prompt to, or the prompt itself. */
@JsonInclude(JsonInclude.Include.NON_NULL)
record ReviewView(String tag, String file, String prompt) {}
