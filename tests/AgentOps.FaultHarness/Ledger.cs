using System.Collections.Concurrent;
using System.Net.Http.Headers;

namespace AgentOps.FaultHarness;

public sealed record BookInfo(Guid Id, string Title, decimal Price);

public sealed record Customer(string Email, AuthenticationHeaderValue Auth, Guid UserId);

/// <summary>An order the front door acknowledged with 201: what the client was told.</summary>
public sealed record OrderClaim(int Op, Guid Id, Customer Customer, IReadOnlyList<(Guid Book, int Quantity)> Lines, string? Key, decimal? PaidAmount,
    string AckStatus, string? AckWarehouse, DateTimeOffset AckAt);

/// <summary>A decision the harness sent, and what it was answered.</summary>
public sealed record DecisionClaim(Guid Run, string CallId, string Decision, string? EditedArgs, int Status, string Answer, DateTimeOffset At);

/// <summary>A shipment instruction the harness sent itself, and what came back.</summary>
public sealed record ShipmentClaim(int Op, Guid OrderId, string Warehouse, bool Replay, IReadOnlyList<(Guid Book, int Quantity)> Items,
    IReadOnlyList<(int Status, Guid? ShipmentId)> Answers);

/// <summary>The set-stock target of one run: a (warehouse, book) pair nothing else touches, and what it should end at.</summary>
public sealed class SetStockTarget(string warehouse, BookInfo book, int initial, int proposed, int edited, int sentinel)
{
    public string Warehouse => warehouse;
    public BookInfo Book => book;
    public int Initial => initial;
    public int Proposed => proposed;
    public int Edited => edited;
    public int Sentinel => sentinel;

    /// <summary>The harness set the tripwire value after the call's success was journaled: null not tried, true acknowledged, false unknown.</summary>
    public bool? SentinelSet { get; set; }

    /// <summary>The run asked to make the call; null when starting it got no definite answer (it may exist all the same).</summary>
    public Guid? Run { get; set; }
}

/// <summary>A run the harness started (201) and what it did with it.</summary>
public sealed class RunClaim(int op, Guid id, RunKind kind, bool orchestrated, DecisionKind plannedDecision, string prompt)
{
    public int Op => op;
    public Guid Id => id;
    public RunKind Kind => kind;
    public bool Orchestrated => orchestrated;
    public DecisionKind PlannedDecision => plannedDecision;
    public string Prompt => prompt;
    public SetStockTarget? SetStock { get; set; }
    public Guid? TargetOrder { get; set; }
    public DateTimeOffset? TargetOrderUpdatedAt { get; set; }
    public string? TargetOrderStatus { get; set; }
    public ConcurrentQueue<string> Notes { get; } = new();
    public bool CancelAcknowledged { get; set; }
    public string? LastStatusSeen { get; set; }
}

/// <summary>Everything the workload was told, for the checker to hold against PostgreSQL and the API.</summary>
public sealed class Ledger
{
    public ConcurrentDictionary<Guid, OrderClaim> Orders { get; } = new();

    /// <summary>Orders whose POST got no definite answer (timeouts, 5xx): they may or may not exist.</summary>
    public ConcurrentBag<(int Op, Guid? Id, string What)> UncertainOrders { get; } = [];

    public ConcurrentDictionary<Guid, RunClaim> Runs { get; } = new();

    public ConcurrentBag<DecisionClaim> Decisions { get; } = [];

    public ConcurrentBag<ShipmentClaim> Shipments { get; } = [];

    /// <summary>Every (warehouse, agent book) a set-stock run was asked to change, whether or not its start was acknowledged.</summary>
    public ConcurrentBag<SetStockTarget> SetStockTargets { get; } = [];

    /// <summary>Orders a retry or cancel run already targets: each order is the target of at most one run, so effects are attributable.</summary>
    public ConcurrentDictionary<Guid, Guid> TargetedOrders { get; } = new();

    /// <summary>Problems the workload saw at once (an Idempotency-Key answering with another order, a second decision accepted, …).</summary>
    public ConcurrentBag<Violation> Immediate { get; } = [];

    public ConcurrentDictionary<string, int> Counters { get; } = new();

    public void Count(string what) => Counters.AddOrUpdate(what, 1, (_, n) => n + 1);

    public List<BookInfo> Books { get; set; } = [];

    public List<BookInfo> AgentBooks { get; set; } = [];

    public List<Customer> Customers { get; set; } = [];

    /// <summary>Stock per (warehouse, book) read back through the API after the harness set it, before the workload.</summary>
    public Dictionary<(string Warehouse, Guid Book), int> InitialStock { get; set; } = [];
}

public sealed record Violation(string Kind, string Detail);
