package dev.dynamini.migrate;

import dev.dynamini.store.Content;
import dev.dynamini.store.ImportedVersions;
import dev.dynamini.store.Ids;
import dev.dynamini.store.InvalidInputException;
import dev.dynamini.store.Item;
import dev.dynamini.store.ItemKey;
import dev.dynamini.store.Kind;
import dev.dynamini.store.Scope;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;

/**
 * An item's history in dynamodb-mini as dynamini's versions 1, 2, 3...: one version per stored
 * version in the order of their epoch milliseconds, at that time; and where a stored version carries
 * {@code deletedAt} (dynamodb-mini deleted by rewriting the latest version in place), a delete
 * version right after it, at {@code deletedAt}, keeping its content, as dynamini's own deletes do.
 * The result depends on the old data alone, so every run numbers the same versions the same way.
 */
final class HistoryMapper {
    private static final Pattern STAMP = Pattern.compile("[0-9]{1,15}");

    private final ImportedVersions rules;
    private final int maxValueBytes;

    HistoryMapper(ImportedVersions rules, int maxValueBytes) {
        this.rules = rules;
        this.maxValueBytes = maxValueBytes;
    }

    List<Item> versions(OldItem old, String application) throws NotImportable {
        if (old.problem() != null) {
            throw new NotImportable(old.problem());
        }
        requireId(application, "its application's name");
        requireId(old.user(), "its user id");
        requireId(old.collection(), "its collection id");
        if (old.kind() == Kind.ENTRY) {
            requireId(old.id(), "its entry id");
        }
        List<OldVersion> stored = new ArrayList<>(old.versions());
        for (OldVersion version : stored) {
            if (version.problem() != null) {
                throw new NotImportable(version.problem());
            }
            if (version.stamp() == null || !STAMP.matcher(version.stamp()).matches()) {
                throw new NotImportable("a version's key does not end in epoch milliseconds");
            }
        }
        stored.sort(Comparator.comparingLong(v -> Long.parseLong(v.stamp())));

        ItemKey key = old.kind() == Kind.COLLECTION
                ? Scope.collectionsOf(application, old.user()).item(old.id())
                : Scope.entriesOf(application, old.user(), old.collection()).item(old.id());
        Instant createdAt = Instant.ofEpochMilli(Long.parseLong(stored.get(0).stamp()));
        List<Item> versions = new ArrayList<>();
        for (OldVersion version : stored) {
            Content content = content(old.kind(), version);
            Instant at = Instant.ofEpochMilli(Long.parseLong(version.stamp()));
            versions.add(checked(new Item(key, versions.size() + 1, content, createdAt, at, null)));
            if (version.deletedAt() != null) {
                Instant deletedAt = instant(version.deletedAt());
                versions.add(checked(new Item(key, versions.size() + 1, content, createdAt, deletedAt, deletedAt)));
            }
        }
        return versions;
    }

    private Content content(Kind kind, OldVersion version) throws NotImportable {
        // dynamodb-mini wrote an empty name as no name (it tested names with isEmpty)
        String name = version.name() == null || version.name().isEmpty() ? null : version.name();
        if (kind == Kind.COLLECTION) {
            if (version.value() != null) {
                throw new NotImportable("a collection version has a \"value\", which dynamodb-mini never wrote");
            }
            return new Content(name, null);
        }
        String value = version.value() == null || version.value().isEmpty() ? null : ValueText.compact(version.value());
        if (value != null && value.getBytes(StandardCharsets.UTF_8).length > maxValueBytes) {
            throw new NotImportable("a value is larger than " + maxValueBytes + " bytes, more than a dynamini item holds");
        }
        return new Content(name, value);
    }

    private Item checked(Item version) throws NotImportable {
        try {
            rules.validate(version);
            return version;
        } catch (InvalidInputException e) {
            throw new NotImportable(e.getMessage());
        }
    }

    private static Instant instant(String iso) throws NotImportable {
        try {
            return Instant.parse(iso);
        } catch (DateTimeParseException e) {
            throw new NotImportable("a version's deletedAt is not an ISO-8601 time");
        }
    }

    private static void requireId(String id, String what) throws NotImportable {
        if (!Ids.valid(id)) {
            throw new NotImportable(what + " is not valid in dynamini (1-128 characters of A-Z a-z 0-9 . _ ~ @ : + = -)");
        }
    }
}
