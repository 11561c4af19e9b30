using System.Reflection;

namespace Stowage.Access.Tests;

/// <summary>
/// An implementation of any interface that answers only the members a test names (by method
/// name) and throws for the rest, so a fake does not have to follow every change to an
/// interface it barely uses.
/// </summary>
public class Stub<T> : DispatchProxy
    where T : class
{
    private Dictionary<string, Func<object?[], object?>> _members = [];

    public static T Create(Dictionary<string, Func<object?[], object?>> members)
    {
        var proxy = DispatchProxy.Create<T, Stub<T>>();
        ((Stub<T>)(object)proxy)._members = members;
        return proxy;
    }

    protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) =>
        targetMethod is not null && _members.TryGetValue(targetMethod.Name, out var member)
            ? member(args ?? [])
            : throw new NotSupportedException($"{typeof(T).Name}.{targetMethod?.Name} is not stubbed.");
}
