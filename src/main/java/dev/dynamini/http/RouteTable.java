package dev.dynamini.http;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Pattern;

/**
 * The endpoints the server registered, as method and path template. Answers which methods a path
 * has routes for (a 405's Allow header) and lists them for the OpenAPI check.
 */
final class RouteTable {
    private final List<HttpServer.Route> routes = new CopyOnWriteArrayList<>();
    private final Map<String, Pattern> patterns = new ConcurrentHashMap<>();

    void add(String method, String template) {
        HttpServer.Route route = new HttpServer.Route(method, template);
        if (!routes.contains(route)) {
            routes.add(route);
        }
    }

    List<HttpServer.Route> all() {
        return List.copyOf(routes);
    }

    Set<String> methodsAt(String path) {
        Set<String> methods = new TreeSet<>();
        for (HttpServer.Route route : routes) {
            if (pattern(route.path()).matcher(path).matches()) {
                methods.add(route.method());
            }
        }
        return methods;
    }

    private Pattern pattern(String template) {
        return patterns.computeIfAbsent(template, t -> {
            StringBuilder regex = new StringBuilder();
            for (String part : t.split("(?=\\{)|(?<=\\})")) {
                regex.append(part.startsWith("{") && part.endsWith("}") ? "[^/]+" : Pattern.quote(part));
            }
            return Pattern.compile(regex + "/?");
        });
    }
}
