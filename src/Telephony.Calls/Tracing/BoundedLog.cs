namespace Telephony.Calls.Tracing;

/// <summary>
/// A bounded log that grows to its capacity as items come (most calls' ladders hold a dozen messages; a trace
/// per call set up at 1,000/s must not allocate the cap up front): it keeps the first <c>head</c> items for ever (a ladder without its
/// INVITE explains nothing) and the latest others in a ring, counting what fell out between. Not thread-safe:
/// its owner locks.
/// </summary>
internal sealed class BoundedLog<T> where T : class
{
    private const int FirstSize = 16;
    private T[] _items;
    private readonly int _capacity;
    private readonly int _head;
    private long _added;

    /// <param name="capacity">Items kept at most (at least 2).</param>
    /// <param name="head">How many of the first items are never overwritten (less than <paramref name="capacity"/>).</param>
    public BoundedLog(int capacity, int head)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 2);
        ArgumentOutOfRangeException.ThrowIfNegative(head);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(head, capacity);
        _capacity = capacity;
        _items = new T[Math.Min(capacity, FirstSize)];
        _head = head;
    }

    public int Capacity => _capacity;

    /// <summary>Items held now.</summary>
    public int Count => (int)Math.Min(_added, _capacity);

    /// <summary>Items that were overwritten.</summary>
    public long Dropped => Math.Max(0, _added - _capacity);

    public void Add(T item)
    {
        if (_added < _capacity)
        {
            if (_added == _items.Length)
            {
                Array.Resize(ref _items, (int)Math.Min(_capacity, 2L * _items.Length));
            }
            _items[_added] = item;
        }
        else
        {
            int ring = _capacity - _head;
            _items[_head + (int)((_added - _head) % ring)] = item;
        }
        _added++;
    }

    /// <summary>The kept items in the order they were added.</summary>
    public List<T> ToList()
    {
        var list = new List<T>(Count);
        if (_added <= _capacity)
        {
            for (int i = 0; i < _added; i++)
            {
                list.Add(_items[i]);
            }
            return list;
        }
        for (int i = 0; i < _head; i++)
        {
            list.Add(_items[i]);
        }
        int size = _capacity - _head;
        int oldest = (int)((_added - _head) % size);
        for (int i = 0; i < size; i++)
        {
            list.Add(_items[_head + (oldest + i) % size]);
        }
        return list;
    }
}
