namespace Telephony.Ivr.Loading;

/// <summary>
/// Finds loops a caller who presses nothing would go round forever. It follows, node to node,
/// every path taken without input: timeouts of menus and collects, both branches of lookups
/// and schedules, gotos, and falling through to the next step. A loop on that graph never
/// reaches a queue, transfer or hangup, so the script is rejected (the step budget is the
/// run-time backstop for loops that need key presses to go round).
/// </summary>
internal sealed class LoopChecker(Diagnostics diagnostics, IReadOnlyDictionary<string, IvrNode> nodes)
{
    private readonly Dictionary<string, List<(string Target, SourceLocation At)>> _edges = new(StringComparer.Ordinal);

    public void Check()
    {
        foreach (var node in nodes.Values) _edges[node.Name] = NoInputEdges(node);

        var state = new Dictionary<string, int>(StringComparer.Ordinal); // 0 new, 1 on stack, 2 done
        var stack = new List<string>();
        foreach (var start in nodes.Keys.Order(StringComparer.Ordinal))
        {
            if (state.GetValueOrDefault(start) == 0) Visit(start, state, stack);
        }
    }

    private void Visit(string node, Dictionary<string, int> state, List<string> stack)
    {
        state[node] = 1;
        stack.Add(node);
        foreach (var (target, at) in _edges.GetValueOrDefault(node) ?? [])
        {
            switch (state.GetValueOrDefault(target))
            {
                case 0:
                    Visit(target, state, stack);
                    break;
                case 1:
                    var loop = stack.Skip(stack.IndexOf(target)).Append(target);
                    diagnostics.Error(at, $"loop without caller input: {string.Join(" -> ", loop)}; a caller who presses nothing would go round forever (end the path in queue, transfer or hangup)");
                    break;
            }
        }
        stack.RemoveAt(stack.Count - 1);
        state[node] = 2;
    }

    private static List<(string, SourceLocation)> NoInputEdges(IvrNode node)
    {
        var edges = new List<(string, SourceLocation)>();
        foreach (var step in node.Steps)
        {
            switch (step)
            {
                case GotoStep g:
                    edges.Add((g.Target, g.Location));
                    return edges;
                case QueueStep or HangupStep:
                    return edges;
                case TransferStep t:
                    // A transfer that fails (busy partner line) goes on without any key press.
                    if (t.OnFail is { } tf)
                    {
                        edges.Add((tf, t.Location));
                        return edges;
                    }
                    break;
                case MenuStep { OnTimeout: { } t } m:
                    edges.Add((t, m.Location));
                    return edges;
                case CollectStep { OnFail: { } f } c:
                    edges.Add((f, c.Location));
                    return edges;
                case InfoStep { Entry: null, OnFail: { } f } i:
                    edges.Add((f, i.Location));
                    return edges;
                case BranchStep b:
                    edges.Add((b.Then, b.Location));
                    if (b.Else is { } otherwise)
                    {
                        edges.Add((otherwise, b.Location));
                        return edges;
                    }
                    break;
            }
        }
        return edges; // falling off the end of a node hangs up
    }
}
