package io.junctionmq.transport.http;

import io.junctionmq.model.ErrorCode;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Lists as RabbitMQ's management API answers them: a plain array, or with {@code page} a page
 * object ({@code items}, {@code page}, {@code page_size}, {@code page_count}, {@code total_count},
 * {@code filtered_count}, {@code item_count}). {@code name} filters by name (with
 * {@code use_regex=true} as a regular expression, otherwise as a substring); {@code sort} and
 * {@code sort_reverse} order the list ({@link Sorting}) before it is cut into pages. Only the
 * items on the page are turned into JSON (unless the sort field is one the list cannot read
 * from its items), so a page of 10 000 queues costs what the page costs.
 */
final class Paging {
  static final int MAX_PAGE_SIZE = 500;

  private Paging() {
  }

  static <T> void reply(RoutingContext ctx, List<T> all, Function<T, String> name, Function<T, JsonObject> json) {
    reply(ctx, all, name, json, Map.of());
  }

  /** As above; {@code sortKeys} read the sort fields they name straight from the items. */
  static <T> void reply(RoutingContext ctx, List<T> all, Function<T, String> name, Function<T, JsonObject> json,
                        Map<String, Function<T, ?>> sortKeys) {
    reply(ctx, all, name, json, sortKeys, new JsonObject());
  }

  /** As above; a page object also has the fields of {@code pageFields}. */
  static <T> void reply(RoutingContext ctx, List<T> all, Function<T, String> name, Function<T, JsonObject> json,
                        Map<String, Function<T, ?>> sortKeys, JsonObject pageFields) {
    List<T> filtered = Sorting.sort(filter(ctx, all, name), Rest.query(ctx, "sort", null),
        Rest.flag(ctx, "sort_reverse"), sortKeys, json);
    String page = Rest.query(ctx, "page", null);
    if (page == null) {
      var array = new JsonArray();
      filtered.forEach(t -> array.add(json.apply(t)));
      Rest.json(ctx, 200, array);
      return;
    }
    int pageNo = Rest.intParam(ctx, "page", 1, 1, Integer.MAX_VALUE);
    int size = Rest.intParam(ctx, "page_size", 100, 1, MAX_PAGE_SIZE);
    int pageCount = Math.max(1, (filtered.size() + size - 1) / size);
    if (pageNo > pageCount) {
      throw ErrorCode.INVALID_ARGUMENT.error("page " + pageNo + " is past the last page (" + pageCount + ")");
    }
    int from = (pageNo - 1) * size;
    var items = new JsonArray();
    filtered.subList(from, Math.min(filtered.size(), from + size)).forEach(t -> items.add(json.apply(t)));
    Rest.json(ctx, 200, pageFields.copy()
        .put("items", items)
        .put("page", pageNo)
        .put("page_size", size)
        .put("page_count", pageCount)
        .put("total_count", all.size())
        .put("filtered_count", filtered.size())
        .put("item_count", items.size()));
  }

  private static <T> List<T> filter(RoutingContext ctx, List<T> all, Function<T, String> name) {
    String wanted = Rest.query(ctx, "name", null);
    if (wanted == null || wanted.isEmpty()) {
      return all;
    }
    if (Rest.flag(ctx, "use_regex")) {
      Pattern p;
      try {
        p = Pattern.compile(wanted);
      } catch (PatternSyntaxException e) {
        throw ErrorCode.INVALID_ARGUMENT.error("'name' is not a valid regular expression: " + e.getDescription());
      }
      return all.stream().filter(t -> p.matcher(name.apply(t)).find()).toList();
    }
    return all.stream().filter(t -> name.apply(t).contains(wanted)).toList();
  }
}
