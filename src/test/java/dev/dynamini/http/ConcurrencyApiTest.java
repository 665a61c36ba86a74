package dev.dynamini.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.dynamini.testing.Concurrently;
import dev.dynamini.testing.Http;
import dev.dynamini.testing.Http.Response;
import dev.dynamini.testing.ServerPerClass;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.junit.jupiter.api.Test;

/** Concurrent writers over HTTP: no lost versions, no gaps, one winner where there must be one. */
class ConcurrencyApiTest extends ServerPerClass {
    @Test
    void twentyConcurrentCreatesOfOneNameMakeOneCollection() throws Exception {
        List<Callable<Response>> creates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            creates.add(() -> api.post("/api/user/racer/collection", "{\"name\":\"only-one\"}"));
        }
        List<Response> responses = Concurrently.together(creates);
        Set<String> ids = new HashSet<>();
        int created = 0;
        for (Response r : responses) {
            assertTrue(r.status() == 201 || r.status() == 200, r.toString());
            created += r.status() == 201 ? 1 : 0;
            ids.add(r.json().path("meta").path("collection").asText());
        }
        assertEquals(1, created);
        assertEquals(1, ids.size(), "every caller got the same collection");
        assertEquals(1, api.get("/api/user/racer/collection?filter=all").json().size());
    }

    @Test
    void thirtyTwoConcurrentPutsEachGetTheirOwnVersionWithoutGaps() throws Exception {
        String c = CollectionApiTest.create(api, "writers", "hot");
        String path = "/api/user/writers/collection/" + c + "/entry";
        String id = EntryApiTest.createEntry(api, path, "{\"name\":\"hot\",\"value\":{\"writer\":-1}}");
        String one = path + "/" + id;
        int writers = 32;
        List<Callable<Response>> puts = new ArrayList<>();
        for (int i = 0; i < writers; i++) {
            int writer = i;
            puts.add(() -> api.put(one, "{\"value\":{\"writer\":" + writer + "}}"));
        }
        List<Response> responses = Concurrently.together(puts);
        Set<Integer> versionsAnswered = new HashSet<>();
        for (Response r : responses) {
            assertEquals(200, r.status(), r.toString());
            versionsAnswered.add(r.json().path("meta").path("version").asInt());
        }
        assertEquals(writers, versionsAnswered.size(), "each PUT got its own version");

        JsonNode history = api.get(one + "/versions").json();
        assertEquals(writers + 1, history.size());
        Set<Integer> writersSeen = new HashSet<>();
        for (int i = 0; i < history.size(); i++) {
            JsonNode version = history.get(i);
            assertEquals(i + 1, version.path("meta").path("version").asInt(), "gapless");
            assertEquals("hot", version.path("name").asText());
            writersSeen.add(version.path("value").path("writer").asInt());
        }
        for (int i = 0; i < writers; i++) {
            assertTrue(writersSeen.contains(i), "writer " + i + "'s body is a version");
        }
        for (Response r : responses) {
            int v = r.json().path("meta").path("version").asInt();
            assertEquals(r.json().path("value"), history.get(v - 1).path("value"), "the answer is the version stored");
        }
    }

    @Test
    void withIfMatchExactlyOneOfTheRacersWins() throws Exception {
        String c = CollectionApiTest.create(api, "matchers", "m");
        String path = "/api/user/matchers/collection/" + c + "/entry";
        String one = path + "/" + EntryApiTest.createEntry(api, path, "{\"value\":{\"n\":0}}");
        List<Callable<Response>> puts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            int n = i + 1;
            puts.add(() -> api.with("If-Match", "\"1\"").put(one, "{\"value\":{\"n\":" + n + "}}"));
        }
        List<Response> responses = Concurrently.together(puts);
        long won = responses.stream().filter(r -> r.status() == 200).count();
        long refused = responses.stream().filter(r -> r.status() == 412).count();
        assertEquals(1, won);
        assertEquals(7, refused);
        assertEquals(2, api.get(one + "/versions").json().size());
    }

    @Test
    void concurrentRenamesToOneNameLeaveOneHolder() throws Exception {
        String c = CollectionApiTest.create(api, "renamers", "r");
        String path = "/api/user/renamers/collection/" + c + "/entry";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(EntryApiTest.createEntry(api, path, "{\"name\":\"e" + i + "\"}"));
        }
        List<Callable<Response>> renames = new ArrayList<>();
        for (String id : ids) {
            renames.add(() -> api.put(path + "/" + id, "{\"name\":\"crown\"}"));
        }
        List<Response> responses = Concurrently.together(renames);
        assertEquals(1, responses.stream().filter(r -> r.status() == 200).count());
        assertEquals(5, responses.stream().filter(r -> r.status() == 409).count());
        assertEquals(1, api.get(path + "?name=crown").json().size());
        long holders = 0;
        for (JsonNode e : api.get(path).json()) {
            holders += e.path("name").asText().equals("crown") ? 1 : 0;
        }
        assertEquals(1, holders);
    }

    @Test
    void entryWritesRacingACollectionDeleteEitherLandWholeOrLeaveNothing() throws Exception {
        String c = CollectionApiTest.create(api, "deleter", "doomed");
        String path = "/api/user/deleter/collection/" + c + "/entry";
        List<Callable<Response>> racers = new ArrayList<>();
        for (int i = 0; i < 24; i++) {
            int n = i;
            racers.add(() -> api.post(path, "{\"name\":\"e" + n + "\",\"value\":{\"n\":" + n + "}}"));
            if (i == 8) {
                racers.add(() -> api.delete("/api/user/deleter/collection/" + c));
            }
        }
        List<Response> responses = Concurrently.together(racers);
        Set<String> created = new HashSet<>();
        int refused = 0;
        for (Response r : responses) {
            boolean isDelete = !r.json().path("meta").has("entry") && r.status() == 200;
            if (isDelete) {
                continue;
            }
            assertTrue(r.status() == 201 || r.status() == 404, r.toString());
            if (r.status() == 201) {
                created.add(r.json().path("meta").path("entry").asText());
            } else {
                refused++;
            }
        }
        assertEquals(24, created.size() + refused);
        // every acknowledged entry is there with exactly one version; every refused one left nothing
        JsonNode stored = api.get(path + "?filter=all").json();
        Set<String> storedIds = new HashSet<>();
        stored.forEach(v -> {
            storedIds.add(v.path("meta").path("entry").asText());
            assertEquals(1, v.path("meta").path("version").asInt());
        });
        assertEquals(created, storedIds);
        assertEquals(0, api.get(path).json().size(), "the deleted collection hides them");
        assertEquals(200, api.post("/api/user/deleter/collection/" + c + "/restore", null).status());
        assertEquals(created.size(), api.get(path).json().size(), "restored, they are all back");
    }

    /**
     * Names passed around under contention, with the lazy release of registers: 12 writers rename
     * 6 entries among 3 names, delete and restore them, at random. Whatever the interleaving, no
     * two live entries share a name, every acknowledged change is in its item's history with the
     * body it was answered with, and every history is gapless.
     */
    @Test
    void namesPassedAroundUnderContentionStayUniqueAndNoAcknowledgedChangeIsLost() throws Exception {
        String c = CollectionApiTest.create(api, "shufflers", "s");
        String path = "/api/user/shufflers/collection/" + c + "/entry";
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            ids.add(EntryApiTest.createEntry(api, path, "{\"value\":" + i + "}"));
        }
        List<Callable<List<Response>>> writers = new ArrayList<>();
        for (int w = 0; w < 12; w++) {
            java.util.Random random = new java.util.Random(w);
            writers.add(() -> {
                List<Response> answers = new ArrayList<>();
                for (int n = 0; n < 12; n++) {
                    String one = path + "/" + ids.get(random.nextInt(ids.size()));
                    int pick = random.nextInt(10);
                    answers.add(pick < 7 ? api.put(one, "{\"name\":\"n" + random.nextInt(3) + "\"}")
                            : pick < 9 ? api.delete(one)
                            : api.post(one + "/restore", null));
                }
                return answers;
            });
        }
        List<Response> answers = new ArrayList<>();
        Concurrently.together(writers).forEach(answers::addAll);
        int acknowledged = 0;
        for (Response r : answers) {
            assertTrue(List.of(200, 404, 409).contains(r.status()), r.toString());
            if (r.status() == 200) {
                acknowledged++;
                JsonNode meta = r.json().path("meta");
                String one = path + "/" + meta.path("entry").asText();
                JsonNode stored = api.get(one + "/versions/" + meta.path("version").asInt()).json();
                assertEquals(r.json(), stored, "an acknowledged change is in history as answered");
            }
        }
        assertTrue(acknowledged > 20, "the race wrote something: " + acknowledged);
        Set<String> liveNames = new HashSet<>();
        for (JsonNode e : api.get(path).json()) {
            if (e.has("name")) {
                assertTrue(liveNames.add(e.path("name").asText()), "two live entries named " + e.path("name"));
            }
        }
        for (String id : ids) {
            JsonNode history = api.get(path + "/" + id + "/versions").json();
            for (int v = 0; v < history.size(); v++) {
                assertEquals(v + 1, history.get(v).path("meta").path("version").asInt(), "gapless: " + history);
            }
        }
    }
}
