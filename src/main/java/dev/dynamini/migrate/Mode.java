package dev.dynamini.migrate;

import java.util.List;

/** What a run of the command does. */
enum Mode {
    /** Copy what is not in dynamini yet. */
    IMPORT,
    /** Read and report what an import would do; write nothing. */
    DRY_RUN,
    /** Compare counts and latest versions on both sides; exit non-zero on a difference. */
    CHECK;

    static Mode parse(List<String> args) {
        if (args.isEmpty()) {
            return IMPORT;
        }
        if (args.size() == 1) {
            switch (args.get(0)) {
                case "--dry-run":
                    return DRY_RUN;
                case "--check":
                    return CHECK;
                default:
                    break;
            }
        }
        throw new IllegalArgumentException("unexpected arguments " + args);
    }

    String describe() {
        return switch (this) {
            case IMPORT -> "import";
            case DRY_RUN -> "dry run: reads both sides, writes nothing";
            case CHECK -> "check: compares both sides, writes nothing";
        };
    }
}
