/*
 * query-named-block-nodes and x-debug-query-block-graph: every named
 * node, and the graph of backends, nodes and their children.  kemu has
 * no permission system; the graph shows the permissions QEMU 7.2's
 * default rules give the same edges (a format node asks its file for
 * what its users ask, read-only nodes never write; backing files are
 * read and let everyone write).
 */
#include "qemu/osdep.h"
#include "qapi/qapi-commands.h"
#include "block-qapi.h"

BlockDeviceInfoList *qmp_query_named_block_nodes(bool has_flat, bool flat,
                                                 Error **errp)
{
    BlockDeviceInfoList *head = NULL, **tail = &head;

    for (GList *l = bdrv_named_nodes(); l; l = l->next) {
        *tail = g_new0(BlockDeviceInfoList, 1);
        (*tail)->value = bdrv_block_device_info(NULL, l->data,
                                                has_flat && flat);
        tail = &(*tail)->next;
    }
    return head;
}

enum {
    PERM_READ = 1 << BLOCK_PERMISSION_CONSISTENT_READ,
    PERM_WRITE = 1 << BLOCK_PERMISSION_WRITE,
    PERM_WRITE_UNCHANGED = 1 << BLOCK_PERMISSION_WRITE_UNCHANGED,
    PERM_RESIZE = 1 << BLOCK_PERMISSION_RESIZE,
    PERM_ALL = PERM_READ | PERM_WRITE | PERM_WRITE_UNCHANGED | PERM_RESIZE,
};

typedef struct GraphBuilder {
    XDbgBlockGraph *graph;
    GHashTable *ids;             /* object -> id (1-based) */
    uint64_t next_id;
} GraphBuilder;

static uint64_t graph_id(GraphBuilder *g, const void *obj)
{
    uint64_t id = GPOINTER_TO_SIZE(g_hash_table_lookup(g->ids, obj));
    if (!id) {
        id = ++g->next_id;
        g_hash_table_insert(g->ids, (gpointer)obj, GSIZE_TO_POINTER(id));
    }
    return id;
}

/* QEMU builds both lists by prepending: newest first. */
static void graph_add_node(GraphBuilder *g, const void *obj,
                           XDbgBlockGraphNodeType type, const char *name)
{
    XDbgBlockGraphNodeList *n = g_new0(XDbgBlockGraphNodeList, 1);
    n->value = g_new0(XDbgBlockGraphNode, 1);
    n->value->id = graph_id(g, obj);
    n->value->type = type;
    n->value->name = g_strdup(name);
    n->next = g->graph->nodes;
    g->graph->nodes = n;
}

/* Permission bits as QEMU lists them (highest bit first). */
static BlockPermissionList *perm_list(unsigned perm)
{
    BlockPermissionList *head = NULL;
    for (int i = 0; i < BLOCK_PERMISSION__MAX; i++) {
        if (perm & (1u << i)) {
            BlockPermissionList *e = g_new0(BlockPermissionList, 1);
            e->value = i;
            e->next = head;
            head = e;
        }
    }
    return head;
}

static void graph_add_edge(GraphBuilder *g, const void *parent,
                           const void *child, const char *name,
                           unsigned perm, unsigned shared)
{
    XDbgBlockGraphEdgeList *e = g_new0(XDbgBlockGraphEdgeList, 1);
    e->value = g_new0(XDbgBlockGraphEdge, 1);
    e->value->parent = graph_id(g, parent);
    e->value->child = graph_id(g, child);
    e->value->name = g_strdup(name);
    e->value->perm = perm_list(perm);
    e->value->shared_perm = perm_list(shared);
    e->next = g->graph->edges;
    g->graph->edges = e;
}

/* What the users of @bs ask of it: a device reads, and writes if it can. */
static unsigned node_used_perm(BlockDriverState *bs)
{
    if (bs->backends) {
        return bs->read_only ? PERM_READ : PERM_READ | PERM_WRITE;
    }
    for (GList *l = bdrv_named_nodes(); l; l = l->next) {
        BlockDriverState *p = l->data;
        if (p->backing == bs) {
            return PERM_READ;
        }
        if (p->file == bs) {
            unsigned up = node_used_perm(p);
            return up ? up | (up & PERM_WRITE ? PERM_RESIZE : 0) : 0;
        }
    }
    return 0;
}

static void graph_add_children(GraphBuilder *g, BlockDriverState *bs)
{
    unsigned used = node_used_perm(bs);

    if (bs->file) {
        unsigned perm = used ? PERM_READ : 0;
        if (used & PERM_WRITE) {
            perm |= PERM_WRITE | PERM_RESIZE;
        }
        graph_add_edge(g, bs, bs->file, "file", perm,
                       used ? PERM_READ | PERM_WRITE_UNCHANGED : PERM_ALL);
    }
    if (bs->backing) {
        graph_add_edge(g, bs, bs->backing, "backing", used ? PERM_READ : 0,
                       PERM_ALL);
    }
}

XDbgBlockGraph *qmp_x_debug_query_block_graph(Error **errp)
{
    GraphBuilder g = {
        .graph = g_new0(XDbgBlockGraph, 1),
        .ids = g_hash_table_new(NULL, NULL),
    };

    for (GList *l = drive_list(); l; l = l->next) {
        DriveInfo *d = l->data;
        if (!d->blk) {
            continue;
        }
        BlockDriverState *bs = blk_bs(d->blk);
        graph_add_node(&g, d->blk, X_DBG_BLOCK_GRAPH_NODE_TYPE_BLOCK_BACKEND,
                       d->id);
        graph_add_edge(&g, d->blk, bs, "root",
                       bs->read_only ? PERM_READ : PERM_READ | PERM_WRITE,
                       bs->read_only
                       ? PERM_READ | PERM_WRITE_UNCHANGED
                       : PERM_READ | PERM_WRITE_UNCHANGED | PERM_RESIZE);
    }
    for (GList *l = g_list_last(bdrv_named_nodes()); l; l = l->prev) {
        BlockDriverState *bs = l->data;
        graph_add_node(&g, bs, X_DBG_BLOCK_GRAPH_NODE_TYPE_BLOCK_DRIVER,
                       bs->node_name);
        graph_add_children(&g, bs);
    }
    g_hash_table_destroy(g.ids);
    return g.graph;
}
