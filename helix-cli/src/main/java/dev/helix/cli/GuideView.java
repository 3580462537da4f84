package dev.helix.cli;

/** The methodology of the experiment loop, as {@code helix guide} answers it. */
record GuideView(String guide) {}
