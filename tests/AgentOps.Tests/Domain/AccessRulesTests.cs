using System.Text.Json;
using AgentOps.Agents.Tools;
using AgentOps.Hosting;
using AgentOps.Users;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace AgentOps.Tests.Domain;

/// <summary>Which tools each role's runs may call: the rights each role has over HTTP, nothing more.</summary>
public sealed class AccessRulesTests
{
    private static readonly Requester Admin = new(Guid.NewGuid(), "admin@bookstore.com", UserRole.StoreAdmin, null);
    private static readonly Requester Customer = new(Guid.NewGuid(), "alice@customer.com", UserRole.Customer, null);
    private static readonly Requester AlphaStaff = new(Guid.NewGuid(), "staff@warehouse-alpha.com", UserRole.WarehouseStaff, "alpha");

    private static readonly ToolRegistry Tools = new ServiceCollection()
        .AddAgentOpsAgents(new ConfigurationBuilder().Build())
        .BuildServiceProvider()
        .GetRequiredService<ToolRegistry>();

    [Theory]
    [InlineData("search_books", """{"query":"hobbit"}""", true, true, true, true)]
    [InlineData("get_book_inventory", """{"book_id":"00000000-0000-0000-0000-000000000001"}""", true, true, true, true)]
    [InlineData("get_warehouse_stock", """{"name":"beta"}""", true, true, true, true)]
    [InlineData("get_order", """{"order_id":"00000000-0000-0000-0000-000000000001"}""", false, true, true, true)]
    [InlineData("list_orders", "{}", false, true, true, true)]
    [InlineData("list_warehouses", "{}", false, false, false, true)]
    [InlineData("get_warehouse", """{"name":"alpha"}""", false, false, true, true)]
    [InlineData("get_warehouse", """{"name":"beta"}""", false, false, false, true)]
    [InlineData("set_stock", """{"warehouse":"alpha","book_id":"00000000-0000-0000-0000-000000000001","quantity":1}""", false, false, true, true)]
    [InlineData("set_stock", """{"warehouse":"beta","book_id":"00000000-0000-0000-0000-000000000001","quantity":1}""", false, false, false, true)]
    [InlineData("query_ops_events", "{}", false, false, false, true)]
    [InlineData("reconcile_inventory", "{}", false, false, false, true)]
    [InlineData("restart_warehouse", """{"name":"beta"}""", false, false, false, true)]
    [InlineData("retry_order", """{"order_id":"00000000-0000-0000-0000-000000000001"}""", false, false, false, true)]
    [InlineData("cancel_order", """{"order_id":"00000000-0000-0000-0000-000000000001"}""", false, false, false, true)]
    [InlineData("change_price", """{"book_id":"00000000-0000-0000-0000-000000000001","price":1}""", false, false, false, true)]
    [InlineData("deactivate_book", """{"book_id":"00000000-0000-0000-0000-000000000001"}""", false, false, false, true)]
    [InlineData("delegate_to_agent", """{"agent_type":"fulfillment","task":"t"}""", false, true, true, true)]
    [InlineData("delegate_to_agent", """{"agent_type":"inventory","task":"t"}""", false, false, true, true)]
    [InlineData("delegate_to_agent", """{"agent_type":"warehouse-ops","task":"t"}""", false, false, false, true)]
    public void Each_tool_is_open_to_exactly_the_roles_that_may_do_the_same_over_HTTP(
        string tool, string args, bool nobody, bool customer, bool alphaStaff, bool admin)
    {
        using var document = JsonDocument.Parse(args);
        var t = Tools.Find(tool)!;

        Assert.Equal(nobody, t.MayUse(null, document.RootElement));
        Assert.Equal(customer, t.MayUse(Customer, document.RootElement));
        Assert.Equal(alphaStaff, t.MayUse(AlphaStaff, document.RootElement));
        Assert.Equal(admin, t.MayUse(Admin, document.RootElement));
    }

    [Fact]
    public void Every_registered_tool_is_covered_by_the_table_above() =>
        Assert.Equal(16, Tools.All.Count());

    [Fact]
    public void A_customer_reads_only_their_own_orders()
    {
        Assert.True(AccessRules.MayReadOrder(Customer, Customer.Id));
        Assert.False(AccessRules.MayReadOrder(Customer, Guid.NewGuid()));
        Assert.True(AccessRules.MayReadOrder(Admin, Guid.NewGuid()));
        Assert.False(AccessRules.MayReadOrder(null, Guid.Empty));
    }
}
